import type { Command } from 'commander';
import type { Config } from '../config';
import { addListingCommand } from './listing';

/** `officeflow source-events`: what vendors' webhooks delivered and what became of each event, for operators and auditors. */
export function addSourceEventsCommand(program: Command, config: () => Config): void {
  addListingCommand(program, config, {
    name: 'source-events',
    description: "list the events vendors' webhooks delivered (HubSpot) and what became of each, newest first",
    path: '/sources/events',
    filters: {
      source: ['--source <name>', 'only this source’s, e.g. hubspot'],
      outcome: ['--outcome <outcome>', 'only these: pending, started, signalled, duplicate, ignored, stale, refused or failed'],
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
