import { createInterface } from 'node:readline/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { Config } from '../config';
import type { BatchReport } from '../web/repair-batches';
import type { SelectedRun } from '../web/repair-selection';
import type { RepairAction } from '../web/repairs';
import { addListingCommand } from './listing';
import { CommandRefused, EXIT, type OutputOptions, answer, busy, table } from './output';
import type { RepairOptions } from './repair';
import { runsQuery } from './runs';
import { sinceOf } from './since';
import { type Identity, askIntake } from './tasks';

/**
 * Repairing many runs at once: the selection is shown (what will be touched, what is left and why) and confirmed, then
 * the engine repairs exactly those runs as one batch at a bounded rate while the command shows its progress; `officeflow
 * repairs` lists batches, shows one run by run, and stops or resumes one.
 */

/** How an operator selects runs for a batch. */
export interface Selected {
  saved?: string;
  step?: string;
  failure?: string;
  since?: string;
  status?: string;
  rate: number;
  yes?: boolean;
}

const PAST_TENSE: Record<RepairAction, string> = { retry: 'retried', reset: 'reset', cancel: 'cancelled' };

async function confirmed(question: string): Promise<boolean> {
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await terminal.question(`${question} [y/N] `)).trim());
  } finally {
    terminal.close();
  }
}

/** The selection, shown as a table: the first runs, how many in all, and how many the query found that it leaves. */
function shownSelection(action: RepairAction, runs: SelectedRun[], left: Record<string, number>, query: string): string {
  const shown = runs.slice(0, 20).map((run) => ({
    ...run,
    failing: run.failing && `${run.failing.activity}: ${run.failing.failure}${run.failing.at ? ` at ${run.failing.at}` : ''}`,
  }));
  const lines = [
    table(
      shown,
      { businessKey: 'KEY', status: 'STATUS', step: 'STEP', failing: 'FAILING', workflowId: 'WORKFLOW' },
      `no runs to ${action}`,
    ),
  ];
  if (runs.length > shown.length) lines.push(`… and ${runs.length - shown.length} more`);
  for (const [why, count] of Object.entries(left)) lines.push(`left alone: ${count} run(s) where ${why}`);
  lines.push(`query: ${query}`);
  return lines.join('\n');
}

/**
 * Follows a batch until it ends (or is stopped), with a progress bar on a terminal, and answers its last report, run by
 * run; Ctrl-C leaves it running in the engine.
 */
async function followed(config: Config, options: RepairOptions, batch: BatchReport): Promise<BatchReport> {
  const bar =
    options.json || !process.stderr.isTTY ? undefined : new SingleBar({ format: `${batch.action} {bar} {value}/{total} runs  {note}` });
  bar?.start(batch.total, 0, { note: '' });
  const letGo = () => {
    bar?.stop();
    console.error(
      `\n${batch.batchId} goes on in the engine: follow it with 'officeflow repairs show ${batch.batchId}', stop it with 'officeflow repairs stop ${batch.batchId}'`,
    );
    process.exit(0);
  };
  process.once('SIGINT', letGo);
  try {
    for (;;) {
      const report = await askIntake<BatchReport>(config, options, `/repairs/${encodeURIComponent(batch.batchId)}`);
      const tried = report.repaired + report.refused + report.failed;
      bar?.update(tried, { note: report.refused + report.failed > 0 ? `(${report.refused} refused, ${report.failed} failed)` : '' });
      if (report.status !== 'running') return report;
      await sleep(500);
    }
  } finally {
    bar?.stop();
    process.off('SIGINT', letGo);
  }
}

/** What a finished (or stopped) batch did, run by run where it did not repair one. */
function batchOutcome(report: BatchReport): string {
  const lines = [
    `${report.batchId} ${report.status}: ${report.repaired} of ${report.total} run(s) ${PAST_TENSE[report.action]}` +
      `${report.refused ? `, ${report.refused} refused` : ''}${report.failed ? `, ${report.failed} failed` : ''}`,
  ];
  for (const run of report.runs ?? []) {
    if (run.outcome && run.outcome !== 'repaired') lines.push(`  ${run.outcome}: ${run.workflowId}: ${String(run.detail?.message ?? '')}`);
  }
  const untried = (report.runs ?? []).filter((run) => !run.outcome).length;
  if (untried) lines.push(`  ${untried} run(s) not tried yet: 'officeflow repairs resume ${report.batchId} --reason …' goes on`);
  return lines.join('\n');
}

/** `officeflow retry|cancel|reset` with a selection: preview, confirm, repair as a batch, follow it, report. */
export async function repairMany(action: RepairAction, options: RepairOptions, config: Config): Promise<void> {
  if (!options.saved && !options.step && !options.process && !options.failure)
    throw new CommandRefused(`name a run's key, or select runs: --saved, --process, --step or --failure`, EXIT.usage);
  const now = new Date();
  const status = options.status ?? (action === 'retry' ? 'running,failed,timed-out,terminated' : 'running');
  const query = runsQuery({ saved: options.saved, process: options.process, step: options.step, status }, config, now);
  const selection = {
    action,
    query,
    failure: options.failure,
    since: options.since ? sinceOf(options.since, now).toISOString() : undefined,
    toStep: options.toStep,
  };
  const { runs, left } = await busy('finding the runs', options, () =>
    askIntake<{ runs: SelectedRun[]; left: Record<string, number> }>(config, options, '/repairs/preview', selection),
  );
  if (!options.json) console.log(shownSelection(action, runs, left, query));
  if (runs.length === 0) {
    if (options.json) answer(options, { runs, left, query }, () => '');
    return;
  }
  if (!options.yes) {
    if (!process.stdin.isTTY)
      throw new CommandRefused(`${action} ${runs.length} run(s)? Pass --yes to confirm without a terminal`, EXIT.usage);
    if (!(await confirmed(`${action} these ${runs.length} run(s), at most ${options.rate} a second?`))) {
      console.log('nothing done');
      return;
    }
  }
  const batch = await askIntake<BatchReport>(config, options, '/repairs', {
    ...selection,
    reason: options.reason,
    perSecond: options.rate,
    runs: runs.map(({ workflowId, runId }) => ({ workflowId, runId })),
  });
  const report = await followed(config, options, batch);
  answer(options, report, batchOutcome);
  if (report.refused + report.failed > 0) process.exitCode = EXIT.refused;
}

/** `officeflow repairs`, `repairs show|stop|resume <batch>`: the batches, one batch run by run, and changing one. */
export function addRepairBatchCommands(program: Command, config: () => Config): void {
  const repairs = addListingCommand(program, config, {
    name: 'repairs',
    description: 'list batch repairs, newest first (show one: repairs show <batch>; stop or resume one: repairs stop|resume <batch>)',
    path: '/repairs',
    filters: {},
    columns: {
      batchId: 'BATCH',
      action: 'ACTION',
      status: 'STATUS',
      total: 'RUNS',
      repaired: 'REPAIRED',
      refused: 'REFUSED',
      failed: 'FAILED',
      actor: 'WHO',
      reason: 'WHY',
    },
    empty: 'no batch repairs',
  });
  // `--as`, `--token`, `--intake` and `--json` are the listing's options: commander reads them wherever they stand.
  const optionsOf = (command: Command) => command.optsWithGlobals<OutputOptions & Identity & { intake?: string; reason: string }>();
  repairs
    .command('show')
    .description('one batch, and what became of each run it did not repair')
    .argument('<batch>')
    .action(async (batchId: string, _options: object, command: Command) => {
      const options = optionsOf(command);
      answer(options, await askIntake<BatchReport>(config(), options, `/repairs/${encodeURIComponent(batchId)}`), batchOutcome);
    });
  for (const change of ['stop', 'resume'] as const) {
    repairs
      .command(change)
      .description(change === 'stop' ? 'stop a batch after the run in hand' : 'go on with a stopped batch where it stopped')
      .argument('<batch>')
      .requiredOption('--reason <text>', 'why: kept in the operator log')
      .action(async (batchId: string, _options: object, command: Command) => {
        const options = optionsOf(command);
        const report = await askIntake<BatchReport>(config(), options, `/repairs/${encodeURIComponent(batchId)}/${change}`, {
          reason: options.reason,
        });
        answer(options, report, (r) => `${r.batchId} ${r.status}: ${r.repaired + r.refused + r.failed} of ${r.total} run(s) tried`);
      });
  }
}
