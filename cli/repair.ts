import type { Command } from 'commander';
import type { Config } from '../config';
import { withTemporal } from './engine';
import { type OutputOptions, answer, busy } from './output';
import { type Selected, repairMany } from './repair-batch';
import { runOf } from './runs';
import { type Identity, askIntake, askingAs } from './tasks';

/**
 * `officeflow retry`, `cancel` and `reset`: an operator's repairs, through the engine's intake, which checks that they
 * are an operator and records who did it and why, in Temporal and in the operator log. With a key they act on that
 * key's newest run, as `officeflow status` shows it; with a selection instead (`--step legacy-erp --since 2h`), on every
 * run it finds, as one batch (see repair-batch.ts).
 */

export interface RepairOptions extends OutputOptions, Identity, Selected {
  reason: string;
  process?: string;
  intake?: string;
  toStep?: string;
}

export function addRepairCommands(program: Command, config: () => Config): void {
  /** A repair command: one run by its key, or a selection of runs; the reason required. */
  const repairCommand = (name: string, description: string) =>
    askingAs(
      program
        .command(name)
        .description(description)
        .argument('[key]', 'the run’s business key or workflow id, as `officeflow status` takes it; or select runs instead')
        .requiredOption('--reason <text>', 'why: kept in the run’s history and the operator log')
        .option('--process <name>', 'where the key names runs of several processes; with a selection, only this process’s runs')
        .option('--saved <query>', 'select the runs a saved query finds, e.g. order-to-cash:failed-at-legacy-erp')
        .option('--step <step>', 'select the runs at this step, e.g. fetching-deal')
        .option('--failure <type>', 'select only runs whose step failed with this type (e.g. CrmUnavailable, timeout)')
        .option('--since <when>', 'select only runs whose step failed (or that ended) since: 2h, 30m, 1d or a time')
        .option('--status <status>', 'select runs of this status (default: running, and for retry also failed)')
        .option('--rate <n>', 'runs repaired per second at most, so a recovering system is not flooded', Number.parseFloat, 5)
        .option('--yes', 'repair the selection without asking'),
      'an operator',
    );
  /** Finds the key's run, and asks the intake to repair it: `body` is the repair's own fields. */
  const onRun = async <T>(key: string, options: RepairOptions, action: string, body: object = {}) =>
    busy(`${key}`, options, async () => {
      const run = await withTemporal(config(), (client) => runOf(client, key, config(), options.process));
      return askIntake<T>(config(), options, `/runs/${encodeURIComponent(run.workflowId)}/${action}`, {
        reason: options.reason,
        runId: run.runId,
        ...body,
      });
    });

  repairCommand('retry', 'retry a run’s failing step now (a failed run: from just before the step that failed)').action(
    async (key: string | undefined, options: RepairOptions) => {
      if (!key) return repairMany('retry', options, config());
      const result = await onRun<{ workflowId: string; runId: string; retried: string; how: string }>(key, options, 'retry');
      answer(options, result, (r) => `${r.retried} of ${r.workflowId} ${r.how} (run ${r.runId})`);
    },
  );

  repairCommand('cancel', 'cancel a run: it stops where it is, without undoing what it did').action(
    async (key: string | undefined, options: RepairOptions) => {
      if (!key) return repairMany('cancel', options, config());
      const result = await onRun<{ workflowId: string; runId: string }>(key, options, 'cancel');
      answer(options, result, (r) => `cancellation of ${r.workflowId} requested (run ${r.runId})`);
    },
  );

  repairCommand('reset', 'run a run again from where it entered a step, in a new run (events it heard since are heard again)')
    .requiredOption('--to-step <step>', 'a step the run went through, as `officeflow status` names them')
    .action(async (key: string | undefined, options: RepairOptions & { toStep: string }) => {
      if (!key) return repairMany('reset', options, config());
      const result = await onRun<{ workflowId: string; runId: string; step: string }>(key, options, 'reset', { toStep: options.toStep });
      answer(options, result, (r) => `${r.workflowId} runs again from step ${r.step} (new run ${r.runId})`);
    });
}
