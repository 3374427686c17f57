import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import pino from 'pino';
import { processes } from '../definitions';
import { installTemporalRuntime } from '../infra/logger';
import { type ScenarioReport, quickSettingsOf, runInsightsScenario } from './insights-scenario';
import { startBenchEngine } from './local-engine';

/** Who reads the insights: an auditor of the scenario's engine. */
const READER = 'scenario.auditor@officeflow.example';

const program = new Command('scenario:insights')
  .description('drive runs of every process down each of its paths at a fresh local engine, and check its insights against them')
  .option('--runs <n>', 'runs of each process, its paths in turn', '30')
  .option('--process <name...>', 'only these processes')
  .option('--json <file>', 'also write the report as JSON')
  .parse();
const options = program.opts<{ runs: string; process?: string[]; json?: string }>();

function show(report: ScenarioReport): void {
  console.log(`\n${report.processes.length} processes driven in ${report.seconds.toFixed(1)} s\n`);
  for (const { process, paths, report: insights, temporal, mismatches } of report.processes) {
    const { runs, cycleTime, predictions } = insights;
    console.log(
      `${process}: ${runs.started} runs (${Object.entries(paths)
        .map(([path, n]) => `${path} ${n}`)
        .join(', ')})`,
    );
    console.log(`  finished ${runs.finished}, running ${runs.running}, outcomes ${JSON.stringify(runs.outcomes)}`);
    if (cycleTime)
      console.log(
        `  cycle time p50/p90: ${cycleTime.p50}/${cycleTime.p90} s (Temporal: ${temporal.p50.toFixed(1)}/${temporal.p90.toFixed(1)} s)`,
      );
    console.log(
      `  variants: ${insights.variants.length}; waits: ${insights.waitingOn.map((w) => `${w.on} ${w.kind} ${w.total} s`).join(', ') || 'none'}`,
    );
    if (predictions?.predictions)
      console.log(
        `  predictions: ${predictions.predictions}, mean error ${predictions.meanError} s, within the range ${Math.round(predictions.inRange * 100)}%`,
      );
    for (const mismatch of mismatches) console.log(`  MISMATCH ${mismatch}`);
  }
  console.log(report.ok ? '\nOK: the insights agree with every run driven' : '\nFAILED');
}

async function main(): Promise<void> {
  const log = pino({ level: 'warn' });
  installTemporalRuntime(log);
  const bench = await startBenchEngine(log, {
    prefix: 'officeflow-scenario-',
    settings: { OFFICEFLOW_AUDITORS: READER },
    processSettings: quickSettingsOf(processes),
  });
  let report: ScenarioReport | undefined;
  try {
    console.log(`driving ${options.runs} runs of each process (state in ${bench.stateDir})`);
    report = await runInsightsScenario(
      { ...bench.target, registry: bench.intake.registry, reader: READER },
      { runsPerProcess: Number(options.runs), processes: options.process },
    );
    show(report);
    if (options.json) writeFileSync(options.json, JSON.stringify(report, null, 2));
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    await bench.stop();
  }
  process.exit(process.exitCode ?? (report?.ok ? 0 : 1));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
