import { type Command, Option } from 'commander';
import type { Config } from '../config';
import { stateSecret } from '../infra/state';
import { issueToken } from '../web/identity';
import { localIntakeUrl } from './engine';
import { CommandRefused, EXIT, type OutputOptions, answer, table } from './output';

/** An authenticated request to the engine; a refusal becomes a one-line error (404: exit code 3). */
export async function request(url: string, token: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } }).catch(() => {
    throw new CommandRefused(`officeflow is not reachable at ${new URL(url).origin}: is it running (npm start)?`, EXIT.unreachable);
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    throw new CommandRefused(
      `refused (${response.status}): ${body.message ?? JSON.stringify(body)}`,
      response.status === 404 ? EXIT.notFound : EXIT.refused,
    );
  }
  return response;
}

export interface Identity {
  as?: string;
  token?: string;
}

/**
 * The bearer token the CLI sends: one from the company's sign-in (`--token`, or OFFICEFLOW_TOKEN), or, where officeflow
 * signs tokens itself, one it issues for `--as` with the key in OFFICEFLOW_IDENTITY_KEY or the state folder.
 */
export function tokenFor(config: Config, { as, token }: Identity): Promise<string> {
  if (token) return Promise.resolve(token);
  if (config.OIDC_ISSUER) throw new CommandRefused('sign in with your company: pass --token (or set OFFICEFLOW_TOKEN)');
  if (!as) throw new CommandRefused('say who you are: --as <email>, or pass --token');
  const key =
    config.OFFICEFLOW_IDENTITY_KEY ??
    stateSecret(config.OFFICEFLOW_STATE_DIR, 'identity-key', () => {
      throw new CommandRefused('no signing key here: set OFFICEFLOW_IDENTITY_KEY, or pass --token');
    });
  return issueToken(key, as, config.OIDC_AUDIENCE);
}

/**
 * The intake's JSON answer to the signed-in person: a GET of `path`, or a POST of `body` to it; on the intake the
 * options name (`--intake`), the local one otherwise.
 */
export async function askIntake<T>(config: Config, options: Identity & { intake?: string }, path: string, body?: object): Promise<T> {
  const url = new URL(path, options.intake ?? localIntakeUrl(config));
  const init = body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {};
  return (await (await request(url.href, await tokenFor(config, options), init)).json()) as T;
}

export const tokenOption = () => new Option('--token <jwt>', 'a token from your company’s sign-in').env('OFFICEFLOW_TOKEN');

/**
 * The options of a command that asks the intake as a signed-in person (`who`, e.g. "an operator"): who they are
 * (`--as`, or `--token`), which engine (`--intake`), and `--json`.
 */
export const askingAs = (command: Command, who?: string): Command =>
  command
    .option('--as <email>', `who you are${who ? ` (${who})` : ''}, where officeflow signs tokens itself`)
    .addOption(tokenOption())
    .option('--intake <url>', 'the engine to ask (default: the local one)')
    .option('--json', 'print JSON, for scripts');

/** `officeflow tasks` and `officeflow decide`: people's side of human tasks, through the intake's task API. */
export function addTaskCommands(program: Command, config: () => Config): void {
  program
    .command('tasks')
    .description('list your open human tasks (operators: anyone’s)')
    .option('--as <email>', 'who you are, where officeflow signs tokens itself')
    .addOption(tokenOption())
    .option('--assignee <email>', 'operators: the tasks of this person, or * for everyone’s')
    .option('--intake <url>', 'the engine to ask (default: the local one)')
    .option('--json', 'print JSON, for scripts')
    .action(async (options: Identity & OutputOptions & { assignee?: string; intake?: string }) => {
      const query = options.assignee ? `?${new URLSearchParams({ assignee: options.assignee })}` : '';
      const tasks = await askIntake<Array<{ taskId: string; title: string; assignee: string; deadline: string }>>(
        config(),
        options,
        `/tasks${query}`,
      );
      const now = new Date().toISOString();
      answer(options, tasks, () =>
        table(
          tasks.map((task) => ({ ...task, due: task.deadline < now ? `${task.deadline} (overdue)` : task.deadline })),
          { taskId: 'TASK', title: 'TITLE', assignee: 'ASSIGNEE', due: 'DUE' },
          'no open tasks',
        ),
      );
    });

  program
    .command('decide')
    .description('approve or reject a human task assigned to you')
    .argument('<taskId>', 'as `officeflow tasks` lists it')
    .argument('<decision>', 'approve or reject')
    .option('--as <email>', 'who decides, where officeflow signs tokens itself: the task’s assignee')
    .addOption(tokenOption())
    .option('--comment <text>', 'why')
    .option('--choose <ids...>', 'what you choose, where the task offers choices (the invoices a payment pays, in order)')
    .option('--intake <url>', 'the engine to ask (default: the local one)')
    .option('--json', 'print JSON, for scripts')
    .action(
      async (
        taskId: string,
        decision: string,
        options: Identity & OutputOptions & { comment?: string; choose?: string[]; intake?: string },
      ) => {
        const decided = await askIntake<{ taskId: string; decision: string; decidedBy: string }>(
          config(),
          options,
          `/tasks/${encodeURIComponent(taskId)}/decision`,
          { decision, comment: options.comment, chosen: options.choose },
        );
        answer(options, decided, (d) => `${d.taskId}: ${d.decision} by ${d.decidedBy}`);
      },
    );
}
