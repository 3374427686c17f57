import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import pino from 'pino';
import { installTemporalRuntime } from '../infra/logger';
import { runChaos } from './chaos';
import { showReport } from './report';

const program = new Command('chaos')
  .description('fire runs of every process at a fresh local engine, kill workers and restart servers meanwhile, then count what was made')
  .option('--runs <n>', 'runs in all, shared out over every process', '200')
  .option('--workers <n>', 'worker processes', '2')
  .option('--scale <x>', 'stretch (>1) or shrink (<1) the fault schedule', '1')
  .option('--timeout <minutes>', 'give up on runs not finished after this long', '45')
  .option('--first-day-in <seconds>', "when the hires' first day begins, after the start", '60')
  .option('--json <file>', 'also write the report as JSON')
  .parse();
const options = program.opts<{ runs: string; workers: string; scale: string; timeout: string; firstDayIn: string; json?: string }>();

async function main(): Promise<void> {
  const log = pino({ level: 'error' });
  installTemporalRuntime(log);
  const timeoutMs = Number(options.timeout) * 60_000;
  // Bounded: whatever hangs, the command ends (the runs' own deadline, then a margin to count and stop).
  setTimeout(
    () => {
      console.error(`the chaos run did not end within ${options.timeout} minutes and a margin: stopping`);
      process.exit(2);
    },
    timeoutMs + 5 * 60_000,
  ).unref();
  const runs = Number(options.runs);
  const workers = Number(options.workers);
  console.log(`chaos: ${runs} runs of every process at once on ${workers} worker processes; faults while they run:`);
  const report = await runChaos(
    log,
    { runs, workers, scale: Number(options.scale), timeoutMs, firstDayInMs: Number(options.firstDayIn) * 1000 },
    (line) => console.log(line),
  );
  showReport(report);
  if (options.json) writeFileSync(options.json, JSON.stringify(report, null, 2));
  process.exit(report.ok && report.faults.every((fault) => !fault.error) ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
