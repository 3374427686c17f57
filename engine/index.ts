import { msToNumber } from '@temporalio/common/lib/time';
import type { Client } from '@temporalio/client';
import type { WorkflowBundleOption } from '@temporalio/worker';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import nodemailer from 'nodemailer';
import { systems } from '../activities';
import { mailActivities } from '../activities/mail/outbox';
import { encryptionCodec } from '../codec/data-converter';
import { type Config, publicUrl } from '../config';
import { createPool } from '../db/pool';
import { processes, stepExpectations, withTaskQueueSuffix } from '../definitions';
import type { ProcessDefinition, ScheduleTime } from '../definitions/define';
import { type Part, stopParts } from '../infra/parts';
import { localPort } from '../infra/ports';
import { connectClient, connectWorkerConnection, temporalEndpoint } from '../infra/temporal';
import { buildCodecServer } from '../web/codec';
import { hostsOfListener } from '../web/listener-hosts';
import { decisionLinks } from '../codec/decision-links';
import { authenticator } from '../web/identity';
import { roleBook } from '../web/roles';
import { sendersOf } from '../web/events/senders';
import { hubspotSource } from '../web/sources/hubspot';
import { pipedriveSource } from '../web/sources/pipedrive';
import { salesforceSource } from '../web/sources/salesforce';
import { docuSignSource } from '../web/sources/docusign';
import { stripeSource } from '../web/sources/stripe';
import { startAlerts } from './alerts';
import { startEventLogRetention } from './retention';
import { declareSchedules } from './schedules';
import { buildIntake } from './web';
import { startWorkers } from '../workers/worker';

export interface EngineOptions {
  log: Logger;
  /** Run only the workers, only the intake (with the codec endpoint), or only the codec endpoint (`officeflow up --only`). */
  only?: 'worker' | 'intake' | 'codec';
  /** The local Temporal UI, served a codec endpoint on localhost without sign-in (local engine only). */
  localUiUrl?: string;
  /** A workflow bundle made once (tests). */
  workflowBundle?: WorkflowBundleOption;
  /** Process settings replaced by process name, e.g. durations in seconds (tests). */
  processSettings?: Record<string, object>;
  /** Schedule times replaced by `<process>:<name>`, e.g. every few seconds (tests). */
  scheduleTimes?: Record<string, ScheduleTime>;
  /** Steps' expectations replaced by process name, e.g. seconds (tests). */
  expectations?: Record<string, Record<string, string>>;
}

/** A running engine: workers and the event intake over configured infrastructure. */
export interface Engine {
  registry: ProcessDefinition[];
  /** The intake's Temporal client and database pool, when the intake runs. */
  client?: Client;
  pool?: Pool;
  intakeUrl?: string;
  /** The codec endpoint the Temporal UI decrypts payloads through, when it runs. */
  codecUrl?: string;
  /** Resolves when the workers stop; rejects when one fails. */
  workersDone?: Promise<void>;
  /** Stops every part, reporting each. */
  stop(report?: (line: string) => void): Promise<void>;
}

/**
 * Starts officeflow's workers and event intake on the infrastructure the configuration names (see
 * `startInfrastructure` for starting it locally): what `officeflow up` runs, and what every integration test runs.
 */
export async function startEngine(config: Config, options: EngineOptions): Promise<Engine> {
  const temporal = temporalEndpoint(config);
  const registry = withTaskQueueSuffix(processes, config.TASK_QUEUE_SUFFIX).map((process) => ({
    ...process,
    settings: { ...process.settings, ...options.processSettings?.[process.name] },
    expectations: options.expectations?.[process.name] ?? process.expectations,
  }));
  // A definition's wrong duration stops the start, named, alerts or not.
  stepExpectations(registry);
  const encryptionKeys = config.OFFICEFLOW_ENCRYPTION_KEY!;
  // Stopped newest first: the intake stops taking events before the workers stop.
  const parts: Part[] = [];
  const engine: Engine = { registry, stop: (report) => stopParts(parts, report) };
  // The Temporal UI operators use: the codec endpoint serves it, and alerts link to runs in it.
  const uiUrl = options.localUiUrl ?? config.TEMPORAL_UI_URL;
  try {
    if (!options.only || options.only === 'worker') {
      const connection = await connectWorkerConnection(temporal);
      const workers = await startWorkers({ connection, config, registry, log: options.log, workflowBundle: options.workflowBundle }).catch(
        async (error: unknown) => {
          await connection.close();
          throw error;
        },
      );
      parts.unshift({ name: 'workers', stop: () => workers.shutdown().then(() => connection.close()) });
      engine.workersDone = workers.done;
      // The workers bring the processes' code, so they bring its schedules up to date too.
      const client = await connectClient(temporal, encryptionKeys);
      try {
        await declareSchedules(client, registry, config.TASK_QUEUE_SUFFIX, options.log, options.scheduleTimes);
      } finally {
        await client.connection.close();
      }
    }
    const authenticate = authenticator(config);
    if (!options.only || options.only === 'intake') {
      const client = await connectClient(temporal, encryptionKeys);
      const pool = createPool(config.DATABASE_URL!, options.log);
      // The inbox e-mails sign-in links through the same outbox as the processes' mail.
      const transport = config.SMTP_URL ? nodemailer.createTransport(config.SMTP_URL) : undefined;
      const mail = transport && mailActivities(pool, transport, config.MAIL_FROM);
      const intake = buildIntake({
        client,
        pool,
        registry,
        taskQueueSuffix: config.TASK_QUEUE_SUFFIX,
        systemNames: systems.map((system) => system.name),
        deploymentName: config.WORKER_DEPLOYMENT_NAME,
        senders: sendersOf(config),
        authenticate,
        rateLimit: config.INTAKE_RATE_LIMIT,
        trustProxyHops: config.INTAKE_TRUST_PROXY_HOPS,
        links: decisionLinks(encryptionKeys, publicUrl(config)),
        hubspot: hubspotSource({ ...config, publicUrl: publicUrl(config) }),
        pipedrive: pipedriveSource(config),
        salesforce: salesforceSource(config),
        stripe: stripeSource(config),
        docuSign: docuSignSource(config),
        bank: { accounts: config.BANK_ACCOUNTS, statementDir: config.BANK_STATEMENT_DIR, schemasDir: config.BANK_SCHEMAS_DIR },
        forecastEvery: msToNumber(config.FORECAST_EVERY),
        inbox: {
          publicUrl: publicUrl(config),
          encryptionKeys,
          ownSignIn: !config.OIDC_ISSUER,
          sendEmail: mail?.sendEmail,
          rolesOf: roleBook(config),
        },
        log: options.log,
      });
      const alerts = startAlerts(config, { client, pool, registry, sendEmail: mail?.sendEmail, uiUrl, log: options.log });
      if (alerts) parts.unshift({ name: 'alerts', stop: alerts.stop });
      const retention = startEventLogRetention(config, pool, registry, options.log);
      parts.unshift({ name: 'event log retention', stop: retention.stop });
      parts.unshift({
        name: 'event intake',
        stop: () => intake.close().then(() => Promise.all([pool.end(), client.connection.close(), transport?.close()])),
      });
      engine.intakeUrl = await intake.listen({ host: config.INTAKE_HOST, port: config.INTAKE_PORT });
      Object.assign(engine, { client, pool });
    }
    // The local UI decrypts through a codec endpoint on localhost; a cluster's UI, for operators only.
    if (uiUrl && options.only !== 'worker') {
      const operatorsOnly = options.localUiUrl || config.CODEC_AUTH === 'none' ? undefined : authenticate;
      // Known before it listens, also for CODEC_PORT=0: the names it answers under carry the port.
      const port = await localPort(config.CODEC_PORT, 'CODEC_PORT', config.CODEC_HOST);
      const published = config.CODEC_PUBLIC_URL ? [new URL(config.CODEC_PUBLIC_URL).host] : [];
      const hosts = [...hostsOfListener(config.CODEC_HOST, port), ...published];
      const codec = buildCodecServer({ codec: encryptionCodec(encryptionKeys), uiUrl, hosts, operatorsOnly }, options.log);
      parts.unshift({ name: 'codec endpoint', stop: () => codec.close() });
      engine.codecUrl = `${await codec.listen({ host: config.CODEC_HOST, port })}/codec`;
    }
    return engine;
  } catch (error) {
    await engine.stop();
    throw error;
  }
}
