import type { Command } from 'commander';
import type { Config } from '../config';

/** A refusal to show a person as it is, without a stack trace. */
export class CommandRefused extends Error {}

/** The engine's own intake, where the CLI talks to it unless told `--intake`. */
export const localIntakeUrl = (config: Config) => `http://${config.INTAKE_HOST}:${config.INTAKE_PORT}`;

async function call(url: string, init?: RequestInit): Promise<unknown> {
  const response = await fetch(url, init).catch(() => {
    throw new CommandRefused(`officeflow is not reachable at ${new URL(url).origin}: is it running (npm start)?`);
  });
  const body = (await response.json()) as { message?: string };
  if (!response.ok) throw new CommandRefused(`refused (${response.status}): ${body.message ?? JSON.stringify(body)}`);
  return body;
}

/** `officeflow tasks` and `officeflow decide`: people's side of human tasks, through the intake's task API. */
export function addTaskCommands(program: Command, config: () => Config): void {
  program
    .command('tasks')
    .description('list open human tasks, across every run')
    .option('--assignee <email>', 'only the tasks of this person')
    .option('--intake <url>', 'the engine to ask (default: the local one)')
    .action(async (options: { assignee?: string; intake?: string }) => {
      const url = new URL('/tasks', options.intake ?? localIntakeUrl(config()));
      if (options.assignee) url.searchParams.set('assignee', options.assignee);
      const tasks = (await call(url.href)) as Array<{ taskId: string; title: string; assignee: string; deadline: string }>;
      if (tasks.length === 0) console.log('no open tasks');
      for (const task of tasks) console.log(`${task.taskId}\n  ${task.title}\n  assignee ${task.assignee}, due ${task.deadline}`);
    });

  program
    .command('decide')
    .description('approve or reject a human task')
    .argument('<taskId>', 'as `officeflow tasks` lists it')
    .argument('<decision>', 'approve or reject')
    .requiredOption('--as <email>', 'who decides: the task’s assignee')
    .option('--comment <text>', 'why')
    .option('--intake <url>', 'the engine to ask (default: the local one)')
    .action(async (taskId: string, decision: string, options: { as: string; comment?: string; intake?: string }) => {
      const url = new URL(`/tasks/${encodeURIComponent(taskId)}/decision`, options.intake ?? localIntakeUrl(config()));
      const body = JSON.stringify({ decidedBy: options.as, decision, comment: options.comment });
      const decided = await call(url.href, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      console.log(JSON.stringify(decided));
    });
}
