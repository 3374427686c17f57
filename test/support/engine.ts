import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import pino from 'pino';
import { createPool } from '../../db/pool';
import { processes, withTaskQueueSuffix } from '../../definitions';
import type { ProcessDefinition } from '../../definitions/define';
import type { ReceivedMail } from '../../infra/mail-sink';
import { connectClient, connectWorkerConnection, type TemporalEndpoint } from '../../infra/temporal';
import { exampleEvent } from '../../intake/catalog';
import type { CloudEvent } from '../../intake/cloudevent';
import { buildIntake } from '../../intake/server';
import type { LegacyOrder } from '../../standins/legacy-erp-portal';
import { startWorkers } from '../../workers/worker';
import { keepHistory } from './histories';

/** The connection settings `officeflow infra` wrote for this test run (see global-setup.ts). */
export interface TestSettings {
  TEMPORAL_ADDRESS: string;
  TEMPORAL_NAMESPACE: string;
  DATABASE_URL: string;
  SMTP_URL: string;
  MAILBOX_URL: string;
  CRM_URL: string;
  LEGACY_ERP_URL: string;
  LEGACY_ERP_USER: string;
  LEGACY_ERP_PASSWORD: string;
  WEBHOOK_SECRETS: string;
  OFFICEFLOW_ENCRYPTION_KEY: string;
}

const stateDir = (): string => {
  const dir = process.env.OFFICEFLOW_TEST_STATE;
  if (!dir) throw new Error('integration tests run under jest with test/global-setup.ts');
  return dir;
};

export const testSettings = (): TestSettings => JSON.parse(readFileSync(path.join(stateDir(), 'test-env.json'), 'utf8'));

export const legacyErpAccess = (settings: TestSettings) => ({
  url: settings.LEGACY_ERP_URL,
  user: settings.LEGACY_ERP_USER,
  password: settings.LEGACY_ERP_PASSWORD,
});

export const uniqueId = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

export interface TestEngine {
  intakeUrl: string;
  /** What this engine appends to every task queue (TASK_QUEUE_SUFFIX). */
  queueSuffix: string;
  secret: string;
  client: Client;
  pool: Pool;
  registry: ProcessDefinition[];
  settings: TestSettings;
  /** Keeps a finished run's history as a replay fixture, when recording (see histories.ts). */
  keepHistory(workflowId: string, name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Workers and an event intake over the shared test infrastructure, as `officeflow up` runs them, on task queues
 * of their own so test files never take each other's work; `overrides.settings` replaces process settings.
 */
export async function startTestEngine(
  overrides: { settings?: Record<string, object>; workers?: boolean } = {},
): Promise<TestEngine> {
  const settings = testSettings();
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const queueSuffix = `-${uniqueId('test')}`;
  const registry = withTaskQueueSuffix(processes, queueSuffix).map((process) => ({
    ...process,
    // Durations in seconds instead of days, and the like.
    settings: { ...process.settings, ...overrides.settings?.[process.name] },
  }));
  const temporal: TemporalEndpoint = { address: settings.TEMPORAL_ADDRESS, namespace: settings.TEMPORAL_NAMESPACE, tls: false };
  const connection = await connectWorkerConnection(temporal);
  const workers = overrides.workers === false ? undefined : await startWorkers({
    connection,
    namespace: temporal.namespace,
    registry,
    databaseUrl: settings.DATABASE_URL,
    smtpUrl: settings.SMTP_URL,
    mailFrom: 'officeflow <officeflow@test.example>',
    chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    crmUrl: settings.CRM_URL,
    legacyErp: legacyErpAccess(settings),
    encryptionKeys: settings.OFFICEFLOW_ENCRYPTION_KEY,
    log,
    workflowBundle: { codePath: path.join(stateDir(), 'workflow-bundle.js') },
  });
  const client = await connectClient(temporal, settings.OFFICEFLOW_ENCRYPTION_KEY);
  const pool = createPool(settings.DATABASE_URL);
  const intake = buildIntake({ client, pool, registry, webhookSecrets: settings.WEBHOOK_SECRETS.split(','), log });
  const intakeUrl = await intake.listen({ host: '127.0.0.1', port: 0 });
  return {
    intakeUrl,
    queueSuffix,
    secret: settings.WEBHOOK_SECRETS.split(',')[0],
    client,
    pool,
    registry,
    settings,
    keepHistory: (workflowId, name) => keepHistory(client, settings.OFFICEFLOW_ENCRYPTION_KEY, workflowId, name),
    async stop() {
      await intake.close();
      await workers?.shutdown();
      await connection.close();
      await client.connection.close();
      await pool.end();
    },
  };
}

/** A trigger's example event with fresh ids and the given data changes, so each test owns its business objects. */
export function eventFor(type: string, data: Record<string, unknown> = {}): CloudEvent {
  const trigger = processes.flatMap((process) => process.triggers).find((t) => t.type === type);
  if (!trigger) throw new Error(`no trigger for ${type}`);
  const example = exampleEvent(trigger);
  return { ...example, id: uniqueId('evt'), data: { ...(example.data as object), ...data } };
}

/** The orders the stand-in legacy ERP portal holds (its own storage in the test run's state folder). */
export function portalOrders(): LegacyOrder[] {
  const file = path.join(stateDir(), 'legacy-erp.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
}

/** Every message the mail sink received for one recipient. */
export async function mailTo(recipient: string): Promise<ReceivedMail[]> {
  const response = await fetch(testSettings().MAILBOX_URL);
  const all = (await response.json()) as ReceivedMail[];
  return all.filter((mail) => mail.to.includes(recipient));
}

/** Polls until `probe` returns a value, for effects that happen a moment after the call that caused them. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
