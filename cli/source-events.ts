import type { Command } from 'commander';
import type { Config } from '../config';
import { SOURCE_EVENT_OUTCOMES } from '../web/sources/source-events';
import { addListingCommand } from './listing';

/** `officeflow source-events`: what vendors' webhooks delivered and what became of each event, for operators and auditors. */
export function addSourceEventsCommand(program: Command, config: () => Config): void {
  addListingCommand(program, config, {
    name: 'source-events',
    description: "list the events vendors' webhooks delivered (HubSpot) and what became of each, newest first",
    path: '/sources/events',
    filters: {
      source: ['--source <name>', 'only this source’s, e.g. hubspot'],
      outcome: ['--outcome <outcome>', `only these: ${SOURCE_EVENT_OUTCOMES.join(', ')}`],
    },
    columns: {
      receivedAt: 'RECEIVED',
      source: 'SOURCE',
      objectId: 'OBJECT',
      eventType: 'EVENT',
      outcome: 'OUTCOME',
      workflowId: 'RUN',
      reason: 'WHY',
    },
    empty: 'no events from vendors',
  });
}
