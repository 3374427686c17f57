import type { Command } from 'commander';
import type { Config } from '../config';
import { humanDuration } from '../insights/durations';
import type { ProcessInsights } from '../insights/report';
import { type OutputOptions, answer, busy, table } from './output';
import { sinceOf } from './since';
import { type Identity, askIntake, askingAs } from './tasks';

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
