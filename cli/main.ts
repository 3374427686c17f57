import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { systems } from '../activities';
import type { ConnectedSystem } from '../activities/system';
import { type Config, ConfigError, loadConfig } from '../config';
import { migrate, seedDemoData } from '../db/migrate';
import { generateIdentityKey } from '../intake/identity';
import { generateWebhookSecret } from '../intake/webhook-auth';
import { startEngine } from '../engine';
import { startInfrastructure } from '../infra/local';
import { stopParts } from '../infra/parts';
import { localPort } from '../infra/ports';
import { createLogger, installTemporalRuntime } from '../infra/logger';
import { setUpNamespace, temporalEndpoint } from '../infra/temporal';
import { allSearchAttributes } from '../definitions';
import { bundleWorkflows } from '../workers/worker';
import { runDemo } from './demo';
import { addDocumentCommand } from './documents';
import { CommandRefused, EXIT } from './output';
import { addProcessCommands } from './processes';
import { addRepairCommands } from './repair';
import { addRunCommands } from './runs';
import { addTaskCommands } from './tasks';

const program = new Command('officeflow')
  .description('Cross-office business processes on Temporal')
  // Usage errors exit with 2, apart from the engine's refusals (1); help and --version with 0.
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : EXIT.usage));

program
  .command('up')
  .description('run the engine: local infrastructure where none is configured, the workers and the event intake')
  .addOption(
    new Option('--only <part>', 'run only the workers, the intake (with the codec endpoint) or the codec endpoint').choices([
      'worker',
      'intake',
      'codec',
    ]),
  )
  .action(async (options: { only?: 'worker' | 'intake' | 'codec' }) => {
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
  });

program
  .command('infra')
  .description('start only the infrastructure (Temporal, PostgreSQL, stand-ins) and migrate; the test suite uses this')
  .option('--settings-file <path>', 'write the environment variables that point at it as JSON to this file once ready')
  .option('--stop-when-stdin-closes', 'stop when the parent process goes away (test runs)')
  .action(async (options: { settingsFile?: string; stopWhenStdinCloses?: boolean }) => {
    const log = createLogger(loadConfig().LOG_LEVEL);
    installTemporalRuntime(log);
    const infra = await startInfrastructure(process.env, log);
    if (options.settingsFile) writeFileSync(options.settingsFile, JSON.stringify(infra.settings, null, 2), { mode: 0o600 });
    else
      console.log(`infrastructure ready: Temporal ${infra.config.TEMPORAL_ADDRESS}${infra.localUiUrl ? `, UI ${infra.localUiUrl}` : ''}`);
    const stop = stopOnSignal(infra.stop);
    if (options.stopWhenStdinCloses) {
      process.stdin.on('close', stop);
      process.stdin.resume();
    }
  });

program
  .command('standins')
  .description('run only the stand-ins of the systems not configured (CRM, portals, e-signature, mail sink), as in docker-compose.yml')
  .option('--host <address>', 'the address to listen on', '127.0.0.1')
  .action(async (options: { host: string }) => {
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
          })),
        })),
    );
    for (const { shown } of started) console.log(`${shown.label}: ${shown.value}`);
    stopOnSignal((report) => stopParts(started, report));
  });

program
  .command('bundle')
  .description('bundle the workflows once, for workers to start from (WORKFLOW_BUNDLE) instead of bundling each time')
  .requiredOption('--out <file>', 'where to write the bundle')
  .action(async (options: { out: string }) => {
    writeFileSync(options.out, (await bundleWorkflows()).code);
    console.log(`workflows bundled into ${options.out}: start workers with WORKFLOW_BUNDLE=${options.out}`);
  });

program
  .command('temporal-setup')
  .description('make the Temporal cluster at TEMPORAL_ADDRESS ready: the namespace with its retention, every search attribute')
  .action(async () => {
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
  });

program
  .command('migrate')
  .description('apply pending database migrations to DATABASE_URL')
  .option('--demo-data', 'also add the demo catalog (products the sample deals order), where it is missing')
  .action(async (options: { demoData?: boolean }) => {
    const config = loadConfig();
    if (!config.DATABASE_URL) throw new ConfigError('set DATABASE_URL to the database to migrate');
    await migrate(config.DATABASE_URL, createLogger(config.LOG_LEVEL));
    if (options.demoData) await seedDemoData(config.DATABASE_URL);
  });

program
  .command('secrets')
  .description('print new secrets for a deployment, as lines of a .env file (docker-compose.yml reads them)')
  .action(() => {
    console.log(`WEBHOOK_SECRETS=${generateWebhookSecret()}`);
    console.log(`OFFICEFLOW_ENCRYPTION_KEY=${randomBytes(32).toString('base64')}`);
    console.log(`OFFICEFLOW_IDENTITY_KEY='${generateIdentityKey()}'`);
  });

program
  .command('demo')
  .description('send the sample front-office events of every process to a running engine and follow the runs')
  .option('--intake <url>', 'the event intake to send to (default: the local one)')
  .action((options: { intake?: string }) => runDemo(clientConfig(), options.intake));

addProcessCommands(program, clientConfig);
addRunCommands(program, clientConfig);
addRepairCommands(program, clientConfig);
addTaskCommands(program, clientConfig);
addDocumentCommand(program, clientConfig);

/**
 * The settings of a command that talks to a running officeflow (demo, tasks, decide, document): the environment,
 * and where there is one, the `.env` file a Docker Compose stack was started with, so its secrets need no exporting.
 * (The engine's own commands never read it: a test run must not reach the stack's Temporal.)
 */
function clientConfig(): Config {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return loadConfig();
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

program.parseAsync().catch((err: unknown) => {
  if (err instanceof CommandRefused) {
    console.error(err.message);
    process.exit(err.exitCode);
  }
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(EXIT.refused);
});
