import type { Command } from 'commander';
import type { Config } from '../config';
import { localIntakeUrl } from './engine';
import { type OutputOptions, answer, table } from './output';
import { type Identity, request, tokenFor, tokenOption } from './tasks';

interface Listed {
  recordedAt: string;
  actor: string;
  action: string;
  target: string;
  reason?: string;
}

/** `officeflow operator-actions`: the operator log, newest first, for auditors and operators. */
export function addOperatorActionsCommand(program: Command, config: () => Config): void {
  program
    .command('operator-actions')
    .description('list what operators did (repairs, documents read) and who acted for someone else, newest first (auditors)')
    .option('--since <time>', 'only since this moment, e.g. 2026-12-01T00:00:00Z')
    .option('--actor <email>', 'only what this person did')
    .option('--as <email>', 'who you are (an auditor or operator), where officeflow signs tokens itself')
    .addOption(tokenOption())
    .option('--intake <url>', 'the engine to ask (default: the local one)')
    .option('--json', 'print JSON, for scripts')
    .action(async (options: Identity & OutputOptions & { since?: string; actor?: string; intake?: string }) => {
      const url = new URL('/operator-actions', options.intake ?? localIntakeUrl(config()));
      if (options.since) url.searchParams.set('since', options.since);
      if (options.actor) url.searchParams.set('actor', options.actor);
      const actions = (await (await request(url.href, await tokenFor(config(), options))).json()) as Listed[];
      answer(options, actions, () =>
        table(
          actions.map((action) => ({ ...action })),
          { recordedAt: 'WHEN', actor: 'WHO', action: 'WHAT', target: 'ON', reason: 'WHY' },
          'no operator actions',
        ),
      );
    });
}
