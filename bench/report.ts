import type { BurstReport, RunCounts } from './burst';

const NAMES: Record<keyof RunCounts, string> = { deals: 'deals', hires: 'hires', contracts: 'contracts', accounts: 'accounts' };

/** "100 deals + 50 hires": the runs of the processes that have any. */
export const describeRuns = (runs: RunCounts): string =>
  (Object.keys(NAMES) as Array<keyof RunCounts>)
    .filter((kind) => runs[kind] > 0)
    .map((kind) => `${runs[kind]} ${NAMES[kind]}`)
    .join(' + ');

/** A burst's or chaos run's report as a person reads it. */
export function showReport(report: BurstReport): void {
  const total = Object.values(report.runs).reduce((a, b) => a + b, 0);
  console.log(
    `\n${report.mode}: ${describeRuns(report.runs)} in ${report.seconds.toFixed(1)} s (${(total / report.seconds).toFixed(2)} runs/s)`,
  );
  console.log(`  outcomes: ${JSON.stringify(report.outcomes)}   lost: ${report.lost}`);
  console.log(`  doubled:  ${JSON.stringify(report.doubled)}`);
  console.log(`  intake answers to send again: ${JSON.stringify(report.intakeRefusals)}`);
  console.log(`  activity timeouts: ${report.activityTimeouts}   ${report.ok ? 'OK' : 'FAILED'}`);
}
