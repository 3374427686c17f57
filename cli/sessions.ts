import type { Command } from 'commander';
import type { Config } from '../config';
import type { InboxSession } from '../human-tasks/sessions';
import { type OutputOptions, answer, table } from './output';
import { type Identity, askIntake, askingAs } from './tasks';

interface SessionOptions extends OutputOptions, Identity {
  intake?: string;
}

/**
 * `officeflow sessions`: operators' view of who is signed in to the task inbox, and `officeflow sessions end` to sign a
 * person out everywhere (a lost laptop, someone who left), through the engine's intake, which checks that they are an
 * operator and keeps who ended whose sessions, and why, in the operator log.
 */
export function addSessionCommands(program: Command, config: () => Config): void {
  const sessions = askingAs(
    program
      .command('sessions')
      .description('list the open sessions of the task inbox (operators)')
      .option('--person <email>', 'only this person’s'),
    'an operator',
  ).action(async (options: SessionOptions & { person?: string }) => {
    const query = options.person ? `?${new URLSearchParams({ person: options.person })}` : '';
    const open = await askIntake<Array<Record<keyof InboxSession, string | null>>>(config(), options, `/inbox-sessions${query}`);
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
      const ended = await askIntake<{ person: string; ended: number }>(config(), options, '/inbox-sessions/end', { person, reason });
      answer(options, ended, (r) => `${r.ended} session(s) of ${r.person} ended`);
    });
}
