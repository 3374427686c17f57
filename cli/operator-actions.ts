import type { Command } from 'commander';
import type { Config } from '../config';
import { addListingCommand } from './listing';

/** `officeflow operator-actions`: the operator log, newest first, for auditors and operators. */
export function addOperatorActionsCommand(program: Command, config: () => Config): void {
  addListingCommand(program, config, {
    name: 'operator-actions',
    description: 'list what operators did (repairs, documents read) and who acted for someone else, newest first (auditors)',
    path: '/operator-actions',
    filters: {
      since: ['--since <time>', 'only since this moment, e.g. 2026-12-01T00:00:00Z'],
      actor: ['--actor <email>', 'only what this person did'],
    },
    columns: { recordedAt: 'WHEN', actor: 'WHO', action: 'WHAT', target: 'ON', reason: 'WHY' },
    empty: 'no operator actions',
  });
}
