import { writeFileSync } from 'node:fs';
import { systems } from '../activities';
import type { ConnectedSystem } from '../activities/system';
import { type Config, ConfigError, loadConfig, publicUrl } from '../config';
import { migrate, seedDemoData } from '../db/migrate';
import { allSearchAttributes } from '../definitions';
import { startEngine } from '../engine';
import { startInfrastructure } from '../engine/local';
import { createLogger, installTemporalRuntime } from '../infra/logger';
import { carryOnWhenOutputIsLost } from '../infra/lost-output';
import { stopParts } from '../infra/parts';
import { localPort } from '../infra/ports';
import { setUpNamespace, temporalEndpoint } from '../infra/temporal';
import { bundleWorkflows } from '../workers/worker';

/**
 * The commands that run officeflow itself (the engine, its infrastructure, the stand-ins, the setup steps), loaded
 * only when one of them runs: the commands that talk to a running engine start without the engine's code.
 */

export async function up(options: { only?: 'worker' | 'intake' | 'codec' }): Promise<void> {
  carryOnWhenOutputIsLost();
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  installTemporalRuntime(log, await metricsEndpoint(config));
  const infra = await startInfrastructure(process.env, log);
  const engine = await startEngine(infra.config, { log, only: options.only, localUiUrl: infra.localUiUrl }).catch(
    async (error: unknown) => {
      await infra.stop();
      throw error;
    },
  );
  engine.workersDone?.catch((error: unknown) => {
    log.fatal({ err: error }, 'a worker failed');
    process.exit(1);
  });
  const shown = engine.codecUrl
    ? [...infra.shown, { label: 'UI codec', value: `${engine.codecUrl}   (decrypts payloads for the Temporal UI)` }]
    : infra.shown;
  console.log(banner(infra.config, shown, engine.intakeUrl, !process.env.WEBHOOK_SECRETS));
  stopOnSignal(async (report) => {
    await engine.stop(report);
    await infra.stop(report);
  });
}

export async function infra(options: { settingsFile?: string; stopWhenStdinCloses?: boolean }): Promise<void> {
  carryOnWhenOutputIsLost();
  const log = createLogger(loadConfig().LOG_LEVEL);
  installTemporalRuntime(log);
  const infra = await startInfrastructure(process.env, log);
  if (options.settingsFile) writeFileSync(options.settingsFile, JSON.stringify(infra.settings, null, 2), { mode: 0o600 });
  else console.log(`infrastructure ready: Temporal ${infra.config.TEMPORAL_ADDRESS}${infra.localUiUrl ? `, UI ${infra.localUiUrl}` : ''}`);
  const stop = stopOnSignal(infra.stop);
  if (options.stopWhenStdinCloses) {
    process.stdin.on('close', stop);
    process.stdin.resume();
  }
}

export async function standins(options: { host: string }): Promise<void> {
  carryOnWhenOutputIsLost();
  const config = loadConfig();
  const started = await Promise.all(
    systems
      .map((system) => system as ConnectedSystem<Config, object>)
      .filter((system) => system.standIn?.needed(config))
      .map(async (system) => ({
        name: `${system.name} stand-in`,
        ...(await system.standIn!.start(config, {
          stateDir: config.OFFICEFLOW_STATE_DIR,
          host: options.host,
          webhookSecret: config.WEBHOOK_SECRETS[0] ?? '',
          intakeUrl: publicUrl(config),
        })),
      })),
  );
  for (const { shown } of started) console.log(`${shown.label}: ${shown.value}`);
  stopOnSignal((report) => stopParts(started, report));
}

export async function bundle(options: { out: string }): Promise<void> {
  writeFileSync(options.out, (await bundleWorkflows()).code);
  console.log(`workflows bundled into ${options.out}: start workers with WORKFLOW_BUNDLE=${options.out}`);
}

export async function temporalSetup(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  await setUpNamespace(
    temporalEndpoint(config),
    { retention: config.TEMPORAL_NAMESPACE_RETENTION, searchAttributes: allSearchAttributes() },
    log,
  );
  console.log(
    `namespace ${config.TEMPORAL_NAMESPACE} ready at ${config.TEMPORAL_ADDRESS}: retention ${config.TEMPORAL_NAMESPACE_RETENTION}, search attributes registered`,
  );
}

export async function migrateDatabase(options: { demoData?: boolean }): Promise<void> {
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new ConfigError('set DATABASE_URL to the database to migrate');
  await migrate(config.DATABASE_URL, createLogger(config.LOG_LEVEL));
  if (options.demoData) await seedDemoData(config.DATABASE_URL);
}

/** Where this process serves its metrics, if anywhere; a taken port is refused at start, naming the setting. */
async function metricsEndpoint(config: Config): Promise<{ address: string } | undefined> {
  if (!config.METRICS_PORT) return undefined;
  await localPort(config.METRICS_PORT, 'METRICS_PORT', config.METRICS_HOST);
  return { address: `${config.METRICS_HOST}:${config.METRICS_PORT}` };
}

function banner(
  config: Config,
  shown: Array<{ label: string; value: string }>,
  intakeUrl: string | undefined,
  showSecret: boolean,
): string {
  const lines = ['', 'officeflow is running', ''];
  const line = (label: string, value: string) => lines.push(`  ${label.padEnd(15)} ${value}`);
  line('Temporal', `${config.TEMPORAL_ADDRESS} (namespace ${config.TEMPORAL_NAMESPACE})`);
  if (intakeUrl) line('Event intake', `POST ${intakeUrl}/events   catalog: ${intakeUrl}/processes   health: ${intakeUrl}/healthz`);
  for (const { label, value } of shown) line(label, value);
  if (config.METRICS_PORT) line('Metrics', `http://${config.METRICS_HOST}:${config.METRICS_PORT}/metrics   (Prometheus)`);
  if (showSecret && intakeUrl) line('Webhook secret', `${config.WEBHOOK_SECRETS[0]}   (kept in ${config.OFFICEFLOW_STATE_DIR}/secrets)`);
  lines.push('', 'Send the sample front-office events:  npm run demo', 'Stop with Ctrl-C; every run is kept for the next start.', '');
  return lines.join('\n');
}

/**
 * Stops cleanly on SIGINT or SIGTERM, one line per part, and exits 0; a second signal while stopping is ignored, so
 * no local server is left running. Returns the same guarded stop, for other reasons to stop.
 */
function stopOnSignal(stop: (report: (line: string) => void) => Promise<unknown>): () => void {
  let stopping = false;
  const handler = () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping officeflow');
    stop((line) => console.log(`  ${line}`)).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return handler;
}
