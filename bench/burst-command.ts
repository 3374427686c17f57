import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import pino from 'pino';
import { installTemporalRuntime } from '../infra/logger';
import { type BurstReport, type RunCounts, runBurst } from './burst';
import { startBenchEngine } from './local-engine';
import { describeRuns, showReport } from './report';

const program = new Command('burst')
  .description('fire runs of the processes at once at a fresh local engine, drive them to their end, and count what was made')
  .option('--deals <n>', 'order-to-cash deals', '100')
  .option('--hires <n>', 'hires', '50')
  .option('--contracts <n>', 'contracts to approve and sign', '0')
  .option('--accounts <n>', 'customer accounts to onboard', '0')
  .option('--runs-of <process=n...>', 'runs of any process in the registry, by name (driven by its demo)', [])
  .option('--steady <n>', 'then the same number of runs again, n at a time, for comparison')
  .option('--json <file>', 'also write the reports as JSON')
  .parse();
const options = program.opts<{
  deals: string;
  hires: string;
  contracts: string;
  accounts: string;
  runsOf: string[];
  steady?: string;
  json?: string;
}>();

async function main(): Promise<void> {
  const log = pino({ level: 'warn' });
  installTemporalRuntime(log);
  const bench = await startBenchEngine(log, { prefix: 'officeflow-burst-' });
  const reports: BurstReport[] = [];
  try {
    const counts: RunCounts = {
      'order-to-cash': Number(options.deals),
      'hire-to-onboard': Number(options.hires),
      'contract-approval': Number(options.contracts),
      'customer-onboarding': Number(options.accounts),
      ...Object.fromEntries(options.runsOf.map((pair) => [pair.split('=')[0], Number(pair.split('=')[1])])),
    };
    console.log(`firing ${describeRuns(counts)} at once (state in ${bench.stateDir})`);
    reports.push(await runBurst(bench.target, { runs: counts }));
    showReport(reports[0]);
    if (options.steady) {
      console.log(`\nthe same runs again, ${options.steady} at a time`);
      reports.push(await runBurst(bench.target, { runs: counts, concurrency: Number(options.steady) }));
      showReport(reports[1]);
    }
    if (options.json) writeFileSync(options.json, JSON.stringify(reports, null, 2));
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    await bench.stop();
  }
  process.exit(process.exitCode ?? (reports.every((report) => report.ok) ? 0 : 1));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
