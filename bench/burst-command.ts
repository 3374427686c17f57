import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import pino from 'pino';
import { mailboxUrl } from '../activities/mail';
import { startEngine } from '../engine';
import { startInfrastructure } from '../infra/local';
import { installTemporalRuntime } from '../infra/logger';
import { freshStateDir, localEngineEnv } from '../test/support/local-env';
import { startWorkerProcess, stopWorkerProcess } from '../test/support/worker-process';
import { type BurstReport, runBurst } from './burst';

const program = new Command('burst')
  .description('fire order-to-cash deals and hires at once at a fresh local engine, drive them to their end, and count what was made')
  .option('--deals <n>', 'order-to-cash deals', '100')
  .option('--hires <n>', 'hires', '50')
  .option('--steady <n>', 'then the same number of runs again, n at a time, for comparison')
  .option('--json <file>', 'also write the reports as JSON')
  .parse();
const options = program.opts<{ deals: string; hires: string; steady?: string; json?: string }>();

function show(report: BurstReport): void {
  const perSecond = (report.deals + report.hires) / report.seconds;
  console.log(
    `\n${report.mode}: ${report.deals} deals + ${report.hires} hires in ${report.seconds.toFixed(1)} s (${perSecond.toFixed(2)} runs/s)`,
  );
  console.log(`  outcomes: ${JSON.stringify(report.outcomes)}`);
  console.log(`  doubled:  ${JSON.stringify(report.doubled)}`);
  console.log(`  activity timeouts: ${report.activityTimeouts}   ${report.ok ? 'OK' : 'FAILED'}`);
}

async function main(): Promise<void> {
  const log = pino({ level: 'warn' });
  installTemporalRuntime(log);
  const stateDir = freshStateDir('officeflow-burst-');
  // The portals as slow as the real ones (the stand-ins' defaults).
  const env = localEngineEnv(stateDir, {});
  const infra = await startInfrastructure(env, log);
  // The workers in a process of their own, as deployed beside the intake; the intake here, beside the burst's driver.
  const worker = await startWorkerProcess({ ...env, ...infra.settings });
  // The hires' first day begins a minute from now, so the welcome and the manager's tasks fall inside the burst.
  const today = new Date().toISOString().slice(0, 10);
  const firstDayBegins = Date.now() - Date.parse(today) + 60_000;
  const engine = await startEngine(infra.config, {
    log,
    only: 'intake',
    processSettings: {
      'hire-to-onboard': {
        firstDayBegins,
        welcomeBeforeStart: '50s',
        equipmentDeadline: '30s',
        managerTaskDeadline: '30s',
        managerTaskReminder: '15s',
      },
    },
  });
  const reports: BurstReport[] = [];
  try {
    const target = {
      client: engine.client!,
      pool: engine.pool!,
      intakeUrl: engine.intakeUrl!,
      webhookSecret: infra.config.WEBHOOK_SECRETS[0],
      mailboxUrl: mailboxUrl(infra.config),
      stateDir,
    };
    const counts = { deals: Number(options.deals), hires: Number(options.hires) };
    console.log(`firing ${counts.deals} deals and ${counts.hires} hires at once (state in ${stateDir})`);
    reports.push(await runBurst(target, counts));
    show(reports[0]);
    if (options.steady) {
      console.log(`\nthe same runs again, ${options.steady} at a time`);
      reports.push(await runBurst(target, { ...counts, concurrency: Number(options.steady) }));
      show(reports[1]);
    }
    if (options.json) writeFileSync(options.json, JSON.stringify(reports, null, 2));
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    await engine.stop();
    await stopWorkerProcess(worker);
    await infra.stop();
  }
  process.exit(process.exitCode ?? (reports.every((report) => report.ok) ? 0 : 1));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
