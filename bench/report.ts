import type { BurstReport, RunCounts } from './burst';

/** "100 order-to-cash + 50 hire-to-onboard": the runs of the processes that have any. */
export const describeRuns = (runs: RunCounts): string =>
  Object.entries(runs)
    .filter(([, count]) => count > 0)
    .map(([process, count]) => `${count} ${process}`)
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
  console.log(`  activity timeouts: ${timeoutsShown(report)}   ${report.ok ? 'OK' : 'FAILED'}`);
}

/** How many activity attempts timed out, and where: "3 (printInvoice: heartbeat 2, updateDeal: start-to-close 1)". */
export function timeoutsShown({ activityTimeouts, timedOutSteps }: Pick<BurstReport, 'activityTimeouts' | 'timedOutSteps'>): string {
  const where = Object.entries(timedOutSteps)
    .sort(([, a], [, b]) => b - a)
    .map(([step, n]) => `${step} ${n}`);
  return where.length ? `${activityTimeouts} (${where.join(', ')})` : String(activityTimeouts);
}
