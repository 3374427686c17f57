import type { Command } from 'commander';
import type { Config } from '../config';
import { inboxSessions } from '../human-tasks/sessions';
import { withDatabase } from './engine';
import { type OutputOptions, answer, table } from './output';

/**
 * `officeflow sessions`: operators' view of who is signed in to the task inbox, and `officeflow sessions end` to sign a
 * person out everywhere (a lost laptop, someone who left). Read and written in the engine's database.
 */
export function addSessionCommands(program: Command, config: () => Config): void {
  const sessions = program
    .command('sessions')
    .description('list the open sessions of the task inbox (operators)')
    .option('--person <email>', 'only this person’s')
    .option('--json', 'print JSON, for scripts')
    .action(async (options: OutputOptions & { person?: string }) => {
      const open = await withDatabase(config(), (pool) => inboxSessions(pool).openSessions(options.person));
      answer(options, open, () =>
        table(
          open.map((session) => ({
            ...session,
            startedAt: session.startedAt.toISOString(),
            expiresAt: session.expiresAt.toISOString(),
            lastSeenAt: session.lastSeenAt?.toISOString(),
          })),
          { person: 'PERSON', startedAt: 'STARTED', expiresAt: 'EXPIRES', lastSeenAt: 'LAST SEEN' },
          'no open sessions',
        ),
      );
    });

  sessions
    .command('end')
    .description('end every open session of a person: they sign in again by e-mailed link')
    .argument('<person>', 'their e-mail address')
    // `--json` is the parent's option: commander reads it wherever it stands.
    .action(async (person: string, _options: unknown, command: Command) => {
      const ended = await withDatabase(config(), (pool) => inboxSessions(pool).endAllOf(person));
      answer(command.optsWithGlobals<OutputOptions>(), { person, ended }, (r) => `${r.ended} session(s) of ${r.person} ended`);
    });
}
