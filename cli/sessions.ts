import type { Command } from 'commander';
import type { Config } from '../config';
import type { InboxSession } from '../human-tasks/sessions';
import { localIntakeUrl } from './engine';
import { type OutputOptions, answer, table } from './output';
import { type Identity, request, tokenFor, tokenOption } from './tasks';

interface SessionOptions extends OutputOptions, Identity {
  intake?: string;
}

/**
 * `officeflow sessions`: operators' view of who is signed in to the task inbox, and `officeflow sessions end` to sign a
 * person out everywhere (a lost laptop, someone who left), through the engine's intake, which checks that they are an
 * operator and keeps who ended whose sessions, and why, in the operator log.
 */
export function addSessionCommands(program: Command, config: () => Config): void {
  const sessions = program
    .command('sessions')
    .description('list the open sessions of the task inbox (operators)')
    .option('--person <email>', 'only this person’s')
    .option('--as <email>', 'who you are (an operator), where officeflow signs tokens itself')
    .addOption(tokenOption())
    .option('--intake <url>', 'the engine to ask (default: the local one)')
    .option('--json', 'print JSON, for scripts')
    .action(async (options: SessionOptions & { person?: string }) => {
      const url = new URL('/inbox-sessions', options.intake ?? localIntakeUrl(config()));
      if (options.person) url.searchParams.set('person', options.person);
      const open = (await (await request(url.href, await tokenFor(config(), options))).json()) as Array<
        Record<keyof InboxSession, string | null>
      >;
      answer(options, open, () =>
        table(open, { person: 'PERSON', startedAt: 'STARTED', expiresAt: 'EXPIRES', lastSeenAt: 'LAST SEEN' }, 'no open sessions'),
      );
    });

  sessions
    .command('end')
    .description('end every open session of a person: they sign in again by e-mailed link')
    .argument('<person>', 'their e-mail address')
    .requiredOption('--reason <text>', 'why: kept in the operator log')
    // `--as`, `--token`, `--intake` and `--json` are the parent's options: commander reads them wherever they stand.
    .action(async (person: string, { reason }: { reason: string }, command: Command) => {
      const options = command.optsWithGlobals<SessionOptions>();
      const url = new URL('/inbox-sessions/end', options.intake ?? localIntakeUrl(config()));
      const response = await request(url.href, await tokenFor(config(), options), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ person, reason }),
      });
      answer(options, (await response.json()) as { person: string; ended: number }, (r) => `${r.ended} session(s) of ${r.person} ended`);
    });
}
