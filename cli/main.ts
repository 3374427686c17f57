import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ConfigError, loadConfig } from '../config';
import { processes, withTaskQueueSuffix } from '../definitions';
import { migrate } from '../db/migrate';
import { encryptionCodec } from '../codec/data-converter';
import { createPool } from '../db/pool';
import { createLogger } from '../infra/logger';
import { ensureStateDir } from '../infra/state';
import { startStandInCrm } from '../standins/crm';
import { startLegacyErpPortal } from '../standins/legacy-erp-portal';
import { type Infrastructure, startInfrastructure } from '../infra/local';
import { connectClient, connectWorkerConnection } from '../infra/temporal';
import { buildIntake } from '../intake/server';
import { startWorkers } from '../workers/worker';
import { runDemo } from './demo';
import { CommandRefused, addTaskCommands } from './tasks';

const program = new Command('officeflow').description('Cross-office business processes on Temporal');

program
  .command('up')
  .description('run the engine: local infrastructure where none is configured, the workers and the event intake')
  .addOption(new Option('--only <part>', 'run only the workers or only the intake').choices(['worker', 'intake']))
  .action(async (options: { only?: 'worker' | 'intake' }) => {
    const config = loadConfig();
    const log = createLogger(config.logLevel);
    const infra = await startInfrastructure(config, log);
    const registry = withTaskQueueSuffix(processes, config.temporal.taskQueueSuffix);
    const stops: Array<() => Promise<unknown>> = [infra.stop];
    if (options.only !== 'intake') {
      const connection = await connectWorkerConnection(infra.temporal);
      const workers = await startWorkers({
        connection,
        namespace: infra.temporal.namespace,
        registry,
        databaseUrl: infra.databaseUrl,
        smtpUrl: infra.smtpUrl,
        mailFrom: config.mail.from,
        chromePath: config.chromePath,
        crmUrl: infra.crmUrl,
        legacyErp: infra.legacyErp,
        encryptionKeys: infra.encryptionKeys,
        log,
      });
      workers.done.catch((error: unknown) => {
        log.fatal({ err: error }, 'a worker failed');
        process.exit(1);
      });
      stops.unshift(() => workers.shutdown().then(() => connection.close()));
    }
    let intakeUrl: string | undefined;
    if (options.only !== 'worker') {
      const client = await connectClient(infra.temporal, infra.encryptionKeys);
      const pool = createPool(infra.databaseUrl);
      const intake = buildIntake({
        client,
        pool,
        registry,
        webhookSecrets: infra.webhookSecrets,
        log,
        codecForUi: infra.temporal.uiUrl ? { codec: encryptionCodec(infra.encryptionKeys), uiUrl: infra.temporal.uiUrl } : undefined,
      });
      intakeUrl = await intake.listen({ host: config.intake.host, port: config.intake.port });
      stops.unshift(() => intake.close().then(() => pool.end()).then(() => client.connection.close()));
    }
    console.log(banner(infra, intakeUrl, config.intake.webhookSecrets.length === 0, config.stateDir));
    stopOnSignal(async () => {
      for (const stop of stops) await stop();
    });
  });

program
  .command('infra')
  .description('start only the infrastructure (Temporal, PostgreSQL, mail sink) and migrate; the test suite uses this')
  .option('--settings-file <path>', 'write the connection settings as JSON to this file once ready')
  .option('--stop-when-stdin-closes', 'stop when the parent process goes away (test runs)')
  .action(async (options: { settingsFile?: string; stopWhenStdinCloses?: boolean }) => {
    const config = loadConfig();
    const infra = await startInfrastructure(config, createLogger(config.logLevel));
    const settings = {
      TEMPORAL_ADDRESS: infra.temporal.address,
      TEMPORAL_NAMESPACE: infra.temporal.namespace,
      TEMPORAL_UI_URL: infra.temporal.uiUrl,
      DATABASE_URL: infra.databaseUrl,
      SMTP_URL: infra.smtpUrl,
      MAILBOX_URL: infra.mailboxUrl,
      CRM_URL: infra.crmUrl,
      LEGACY_ERP_URL: infra.legacyErp.url,
      LEGACY_ERP_USER: infra.legacyErp.user,
      LEGACY_ERP_PASSWORD: infra.legacyErp.password,
      WEBHOOK_SECRETS: infra.webhookSecrets.join(','),
      OFFICEFLOW_ENCRYPTION_KEY: infra.encryptionKeys,
    };
    if (options.settingsFile) writeFileSync(options.settingsFile, JSON.stringify(settings, null, 2), { mode: 0o600 });
    else console.log(`infrastructure ready: Temporal ${infra.temporal.address}, UI ${infra.temporal.uiUrl ?? '-'}`);
    const stop = stopOnSignal(infra.stop);
    if (options.stopWhenStdinCloses) {
      process.stdin.on('close', stop);
      process.stdin.resume();
    }
  });

program
  .command('standins')
  .description('run only the stand-in CRM and legacy ERP portal (for a shared deployment, as in docker-compose.yml)')
  .option('--host <address>', 'the address to listen on', '127.0.0.1')
  .action(async (options: { host: string }) => {
    const config = loadConfig();
    const { user, password } = config.legacyErp;
    if (!user || !password) throw new ConfigError('set LEGACY_ERP_USER and LEGACY_ERP_PASSWORD for the stand-in portal');
    const dir = ensureStateDir(config.stateDir);
    const crm = await startStandInCrm(dir, config.crm.standInPort, options.host);
    const portal = await startLegacyErpPortal({
      dir,
      port: config.legacyErp.standInPort,
      slowPageMs: config.legacyErp.standInSlowPageMs,
      user,
      password,
      host: options.host,
    });
    console.log(`stand-in CRM ${crm.url}, stand-in legacy ERP portal ${portal.url}`);
    stopOnSignal(() => Promise.all([crm.stop(), portal.stop()]));
  });

program
  .command('migrate')
  .description('apply pending database migrations to DATABASE_URL')
  .action(async () => {
    const config = loadConfig();
    if (!config.postgres.url) throw new ConfigError('set DATABASE_URL to the database to migrate');
    await migrate(config.postgres.url, createLogger(config.logLevel));
  });

program
  .command('demo')
  .description('send the sample front-office events of every process to a running engine and follow the runs')
  .option('--intake <url>', 'the event intake to send to (default: the local one)')
  .action((options: { intake?: string }) => runDemo(loadConfig(), options.intake));

addTaskCommands(program, () => loadConfig());

function banner(infra: Infrastructure, intakeUrl: string | undefined, showSecret: boolean, stateDir: string): string {
  const lines = ['', 'officeflow is running', ''];
  if (infra.temporal.uiUrl) lines.push(`  Temporal UI     ${infra.temporal.uiUrl}/namespaces/${infra.temporal.namespace}/workflows`);
  lines.push(`  Temporal        ${infra.temporal.address} (namespace ${infra.temporal.namespace})`);
  if (intakeUrl) lines.push(`  Event intake    POST ${intakeUrl}/events   catalog: ${intakeUrl}/processes   health: ${intakeUrl}/healthz`);
  lines.push(`  CRM             ${infra.crmUrl}${infra.crmUrl.includes('127.0.0.1') ? '   (stand-in: GET /deals/:id)' : ''}`);
  lines.push(`  Legacy ERP      ${infra.legacyErp.url}`);
  if (infra.mailboxUrl) lines.push(`  Sent mail       ${infra.mailboxUrl}   (as .eml files in ${stateDir}/mail)`);
  if (showSecret && intakeUrl) lines.push(`  Webhook secret  ${infra.webhookSecrets[0]}   (kept in ${stateDir}/secrets)`);
  lines.push('', 'Send the sample front-office events:  npm run demo', 'Stop with Ctrl-C; every run is kept for the next start.', '');
  return lines.join('\n');
}

/**
 * Stops cleanly on SIGINT or SIGTERM; a second signal while stopping is ignored, so no local server is left running.
 * Returns the same guarded stop, for other reasons to stop.
 */
function stopOnSignal(stop: () => Promise<unknown>): () => void {
  let stopping = false;
  const handler = () => {
    if (stopping) return;
    stopping = true;
    stop().then(
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
  console.error(err instanceof ConfigError || err instanceof CommandRefused ? err.message : err);
  process.exit(1);
});
