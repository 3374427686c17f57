import { type Command, Option } from 'commander';
import type { Config } from '../config';
import { stateSecret } from '../infra/state';
import { issueToken } from '../intake/identity';

/** A refusal to show a person as it is, without a stack trace. */
export class CommandRefused extends Error {}

/** The engine's own intake, where the CLI talks to it unless told `--intake`. */
export const localIntakeUrl = (config: Config) => `http://${config.INTAKE_HOST}:${config.INTAKE_PORT}`;

/** An authenticated request to the engine; a refusal becomes a one-line error. */
export async function request(url: string, token: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } }).catch(() => {
    throw new CommandRefused(`officeflow is not reachable at ${new URL(url).origin}: is it running (npm start)?`);
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    throw new CommandRefused(`refused (${response.status}): ${body.message ?? JSON.stringify(body)}`);
  }
  return response;
}

const call = async (url: string, token: string, init: RequestInit = {}): Promise<unknown> => (await request(url, token, init)).json();

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

export const tokenOption = () => new Option('--token <jwt>', 'a token from your company’s sign-in').env('OFFICEFLOW_TOKEN');

/** `officeflow tasks` and `officeflow decide`: people's side of human tasks, through the intake's task API. */
export function addTaskCommands(program: Command, config: () => Config): void {
  program
    .command('tasks')
    .description('list your open human tasks (operators: anyone’s)')
    .option('--as <email>', 'who you are, where officeflow signs tokens itself')
    .addOption(tokenOption())
    .option('--assignee <email>', 'operators: the tasks of this person, or * for everyone’s')
    .option('--intake <url>', 'the engine to ask (default: the local one)')
    .action(async (options: Identity & { assignee?: string; intake?: string }) => {
      const url = new URL('/tasks', options.intake ?? localIntakeUrl(config()));
      if (options.assignee) url.searchParams.set('assignee', options.assignee);
      const tasks = (await call(url.href, await tokenFor(config(), options))) as Array<{
        taskId: string;
        title: string;
        assignee: string;
        deadline: string;
      }>;
      if (tasks.length === 0) console.log('no open tasks');
      for (const task of tasks) console.log(`${task.taskId}\n  ${task.title}\n  assignee ${task.assignee}, due ${task.deadline}`);
    });

  program
    .command('decide')
    .description('approve or reject a human task assigned to you')
    .argument('<taskId>', 'as `officeflow tasks` lists it')
    .argument('<decision>', 'approve or reject')
    .option('--as <email>', 'who decides, where officeflow signs tokens itself: the task’s assignee')
    .addOption(tokenOption())
    .option('--comment <text>', 'why')
    .option('--intake <url>', 'the engine to ask (default: the local one)')
    .action(async (taskId: string, decision: string, options: Identity & { comment?: string; intake?: string }) => {
      const url = new URL(`/tasks/${encodeURIComponent(taskId)}/decision`, options.intake ?? localIntakeUrl(config()));
      const body = JSON.stringify({ decision, comment: options.comment });
      const decided = await call(url.href, await tokenFor(config(), options), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      console.log(JSON.stringify(decided));
    });
}
