import type { Command } from 'commander';
import type { Config } from '../config';
import { addListingCommand } from './listing';
import { type OutputOptions, answer, busy } from './output';
import { type Identity, askIntake } from './tasks';

interface ChangeOptions extends OutputOptions, Identity {
  reason: string;
  intake?: string;
}

/**
 * `officeflow schedules`: the runs the processes start on a calendar, with their next and last run; `pause`,
 * `unpause`, `trigger` and `backfill` change one, for operators, each with a reason (kept in the operator log).
 */
export function addScheduleCommands(program: Command, config: () => Config): void {
  const schedules = addListingCommand(program, config, {
    name: 'schedules',
    description: 'list the processes’ schedules with their next and last run (pause, unpause, trigger, backfill: see below)',
    path: '/schedules',
    filters: {},
    columns: { schedule: 'SCHEDULE', description: 'WHEN', nextRun: 'NEXT RUN', lastRun: 'LAST RUN', paused: 'PAUSED', note: 'NOTE' },
    empty: 'no schedules',
  });

  const change = (name: string, description: string) =>
    schedules
      .command(name)
      .description(description)
      .argument('<schedule>', 'as `officeflow schedules` lists it, e.g. overdue-tasks-digest:weekly')
      .requiredOption('--reason <text>', 'why: kept in the operator log');
  // `--as`, `--token`, `--intake` and `--json` are the listing's options: commander reads them wherever they stand.
  const optionsOf = (command: Command) => command.optsWithGlobals<ChangeOptions & { from: string; to: string }>();
  const post = (schedule: string, action: string, options: ChangeOptions, body: object = {}) =>
    busy(`${action} ${schedule}`, options, () =>
      askIntake<{ schedule: string }>(config(), options, `/schedules/${encodeURIComponent(schedule)}/${action}`, {
        reason: options.reason,
        ...body,
      }),
    );

  const changes: Record<string, [description: string, done: (schedule: string) => string]> = {
    pause: ['stop a schedule starting runs until it is unpaused', (schedule) => `${schedule} paused`],
    unpause: ['let a paused schedule start runs again', (schedule) => `${schedule} runs again at its times`],
    trigger: ['start a run of the schedule now', (schedule) => `${schedule} started a run now`],
  };
  for (const [action, [description, done]] of Object.entries(changes))
    change(action, description).action(async (schedule: string, _options: object, command: Command) => {
      const options = optionsOf(command);
      answer(options, await post(schedule, action, options), (r) => done(r.schedule));
    });
  change('backfill', 'run the times the schedule missed between two moments (one after another)')
    .requiredOption('--from <time>', 'e.g. 2026-11-30T00:00:00Z')
    .requiredOption('--to <time>', 'e.g. 2026-12-07T00:00:00Z')
    .action(async (schedule: string, _options: object, command: Command) => {
      const options = optionsOf(command);
      answer(
        options,
        await post(schedule, 'backfill', options, { from: options.from, to: options.to }),
        (r) => `${r.schedule} runs its times from ${options.from} to ${options.to}`,
      );
    });
}
