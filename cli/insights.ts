import type { Command } from 'commander';
import type { Config } from '../config';
import type { CustomerView } from '../insights/customer';
import { humanDuration } from '../insights/durations';
import type { ProcessInsights } from '../insights/report';
import { type OutputOptions, answer, busy, table } from './output';
import { sinceOf } from './since';
import { type Identity, askIntake, askingAs, request, tokenFor } from './tasks';
import { localIntakeUrl } from './engine';
import { writeFile } from 'node:fs/promises';
import { EVENT_LOG_FORMATS } from '../web/event-log';

const percent = (part: number, whole: number) => `${whole > 0 ? Math.round((100 * part) / whole) : 0}%`;

function insightsText(report: ProcessInsights): string {
  const { runs, timeSpent } = report;
  const outcomes = Object.entries(runs.outcomes)
    .map(([outcome, count]) => `${outcome} ${count}`)
    .join(', ');
  const spent = timeSpent.working + timeSpent.people + timeSpent.outside;
  const span = (s: { p50: number; p90: number }) => ({ p50: humanDuration(s.p50), p90: humanDuration(s.p90) });
  return [
    `${report.process} since ${report.since.slice(0, 16).replace('T', ' ')} UTC: ${runs.started} run(s) started, ` +
      `${runs.finished} finished${outcomes ? ` (${outcomes})` : ''}, ${runs.running} running`,
    report.cycleTime
      ? `cycle time p50 ${humanDuration(report.cycleTime.p50)}, p90 ${humanDuration(report.cycleTime.p90)}`
      : 'no run finished yet',
    `time spent: working ${percent(timeSpent.working, spent)}, waiting on people ${percent(timeSpent.people, spent)}, ` +
      `waiting on the outside world ${percent(timeSpent.outside, spent)}`,
    '',
    'WAITING ON',
    table(
      report.waitingOn.map(({ perRun, ...w }) => ({ ...w, ...span(perRun), total: humanDuration(w.total) })),
      { on: 'WHOM', kind: 'KIND', runs: 'RUNS', total: 'TOTAL', p50: 'PER RUN P50', p90: 'P90' },
      'nobody',
    ),
    '',
    'STEPS, WHERE TIME PILES UP FIRST',
    table(
      report.steps.map(({ perRun, ...s }) => ({ ...s, ...span(perRun), total: humanDuration(s.total) })),
      { step: 'STEP', kind: 'KIND', runs: 'RUNS', total: 'TOTAL', p50: 'PER RUN P50', p90: 'P90' },
      'no steps',
    ),
    '',
    'VARIANTS',
    table(
      report.variants.map((v) => ({ runs: v.runs, ...span(v.cycleTime), path: v.path.join(' → ') })),
      { runs: 'RUNS', p50: 'P50', p90: 'P90', path: 'PATH' },
      'no run finished yet',
    ),
    '',
    'TASKS DECIDED IN TIME',
    table(
      report.sla.map((s) => ({ ...s, share: `${Math.round(s.share * 100)}%` })),
      { team: 'TEAM', onTime: 'ON TIME', late: 'LATE', openOverdue: 'OPEN, OVERDUE', share: 'IN TIME' },
      'no tasks with deadlines',
    ),
    '',
    'SYSTEMS, FAILED ATTEMPTS AND RETRIES',
    table(report.systems ?? [], { system: 'SYSTEM', failed: 'FAILED', retried: 'RETRIED' }, 'no attempt failed'),
    '',
    'REWORK',
    table(report.rework, { step: 'STEP ENTERED AGAIN', runs: 'RUNS', reentries: 'TIMES' }, 'no step entered twice'),
    '',
    'RUNNING, WHEN EACH WILL BE DONE',
    table(
      report.running.map(({ prediction, olderThanAll, ...run }) => ({
        ...run,
        expected: prediction
          ? `${humanDuration(prediction.remaining.p50)} (${humanDuration(prediction.remaining.p10)} to ${humanDuration(prediction.remaining.p90)})`
          : olderThanAll && `unknown: older than all ${olderThanAll} finished`,
        basis: prediction && `${prediction.basis}, ${prediction.cases} cases`,
      })),
      { workflowId: 'RUN', step: 'STEP', expected: 'STILL TO GO (LIKELY RANGE)', basis: 'FROM' },
      'none running',
    ),
    report.predictions
      ? `predictions on ${report.predictions.predictions} finished step(s): off by ${humanDuration(report.predictions.meanError)} on average, ` +
        `${Math.round(report.predictions.inRange * 100)}% within their range`
      : 'no finished cases to measure predictions on yet',
  ].join('\n');
}

/** `officeflow insights <process> [--since 30d]`: where a process's runs spend their time, from its event log. */
export function addInsightCommands(program: Command, config: () => Config): void {
  askingAs(
    program
      .command('insights')
      .description('where a process’s runs spend their time: cycle times, waiting per team, variants, tasks in time, rework')
      .argument('<process>', 'as `officeflow processes` lists it')
      .option('--since <span|time>', 'runs started since: a span (30d, 12h) or a time', '30d'),
    'an operator, an auditor or the process’s owner',
  ).action(async (process: string, options: OutputOptions & Identity & { intake?: string; since: string }) => {
    const since = sinceOf(options.since).toISOString();
    const report = await busy(`insights of ${process}`, options, () =>
      askIntake<ProcessInsights>(config(), options, `/insights/${encodeURIComponent(process)}?since=${encodeURIComponent(since)}`),
    );
    answer(options, report, insightsText);
  });
}

function customerText(view: CustomerView): string {
  const owed = Object.entries(view.owed)
    .filter(([, amount]) => Number(amount) > 0)
    .map(([currency, amount]) => `${amount} ${currency}`);
  const when = (time?: string) => (time ? new Date(time).toISOString().slice(0, 16).replace('T', ' ') : undefined);
  return [
    `${view.customer}${view.record ? `: ${view.record.companyName} (${view.record.customerNumber}, ${view.record.country})` : ''}` +
      ` — owes ${owed.length ? owed.join(', ') : 'nothing'}`,
    '',
    'RUNS',
    table(
      view.runs.map(({ objects: _objects, ...run }) => ({
        ...run,
        startedAt: when(run.startedAt),
        state: run.outcome ?? `${run.step ?? 'started'}${run.waitingOn ? ` (waiting on ${run.waitingOn})` : ''}`,
      })),
      { process: 'PROCESS', workflowId: 'RUN', startedAt: 'STARTED', state: 'STEP OR OUTCOME' },
      'no runs',
    ),
    '',
    'OPEN TASKS',
    table(
      view.openTasks.map((task) => ({ ...task, deadline: when(task.deadline) })),
      { taskId: 'TASK', title: 'TITLE', assignee: 'ASSIGNEE', deadline: 'DUE' },
      'none',
    ),
    '',
    'INVOICES',
    table(
      view.invoices,
      { invoiceNumber: 'INVOICE', issuedOn: 'ISSUED', dueOn: 'DUE', gross: 'TOTAL', owed: 'OWED', currency: 'CURRENCY' },
      'none',
    ),
    '',
    'CONTRACTS',
    table(view.contracts, { contract: 'CONTRACT', state: 'STATE', workflowId: 'RUN' }, 'none'),
  ].join('\n');
}

/** `officeflow customer ACC-1001`: one customer across every process. */
export function addCustomerCommand(program: Command, config: () => Config): void {
  askingAs(
    program
      .command('customer')
      .description('one customer across every process: runs, open tasks, invoices and what is owed, contracts')
      .argument('<customer>', 'their id in the CRM, e.g. ACC-1001'),
    'an operator or an auditor',
  ).action(async (customer: string, options: OutputOptions & Identity & { intake?: string }) => {
    const view = await busy(`customer ${customer}`, options, () =>
      askIntake<CustomerView>(config(), options, `/customers/${encodeURIComponent(customer)}`),
    );
    answer(options, view, customerText);
  });
}

/** `officeflow export-log --format ocel2-json|ocel2-sqlite|xes --out <file>`: the event log for process-mining tools. */
export function addExportLogCommand(program: Command, config: () => Config): void {
  askingAs(
    program
      .command('export-log')
      .description('the event log for process-mining tools: OCEL 2.0 (JSON or SQLite) or XES')
      .requiredOption('--format <format>', EVENT_LOG_FORMATS.join(', '))
      .requiredOption('--out <file>', 'where to write it')
      .option('--process <name>', 'one process (default: every process, as an object-centric log follows objects across them)')
      .option('--since <span|time>', 'runs started since: a span (30d, 12h) or a time', '30d'),
    'an operator, an auditor, or the process’s owner for --process',
  ).action(
    async (options: OutputOptions & Identity & { intake?: string; format: string; out: string; process?: string; since: string }) => {
      const url = new URL('/event-log', options.intake ?? localIntakeUrl(config()));
      url.searchParams.set('format', options.format);
      url.searchParams.set('since', sinceOf(options.since).toISOString());
      if (options.process) url.searchParams.set('process', options.process);
      const bytes = await busy('exporting the event log', options, async () =>
        Buffer.from(await (await request(url.href, await tokenFor(config(), options))).arrayBuffer()),
      );
      await writeFile(options.out, bytes);
      answer(
        options,
        { file: options.out, format: options.format, bytes: bytes.length },
        (r) => `${r.file}: ${r.format}, ${r.bytes} bytes`,
      );
    },
  );
}
