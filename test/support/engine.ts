import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { simpleParser } from 'mailparser';
import type { Pool } from 'pg';
import pino from 'pino';
import { mailboxUrl } from '../../activities/mail';
import type { LegacyOrder } from '../../activities/legacy-erp/stand-in';
import type { ReceivedMail } from '../../activities/mail/sink';
import type { ConnectedSystem } from '../../activities/system';
import { type Config, loadConfig } from '../../config';
import { processes } from '../../definitions';
import type { ProcessDefinition, ScheduleTime } from '../../definitions/define';
import { startEngine } from '../../engine';
import type { BrowserPool } from '../../infra/browser';
import { localPort } from '../../infra/ports';
import { keptJson } from '../../infra/state';
import { temporalEndpoint } from '../../infra/temporal';
import { exampleEvent } from '../../web/events/catalog';
import { issueToken } from '../../web/identity';
import type { CloudEvent } from '../../web/events/cloudevent';
import type { Progress } from '../../contracts/progress';
import { progressQuery } from '../../workflows/progress';
import { keepHistory } from './histories';
import { quietRuntime } from './quiet-runtime';

export const stateDir = (): string => {
  const dir = process.env.OFFICEFLOW_TEST_STATE;
  if (!dir) throw new Error('integration tests run under jest with test/global-setup.ts');
  return dir;
};

/** The environment variables `officeflow infra` wrote for this test run (see global-setup.ts). */
export const testSettings = (): Record<string, string> => JSON.parse(readFileSync(path.join(stateDir(), 'test-env.json'), 'utf8'));

/** The configuration of this test run's infrastructure, as `officeflow up` would read it from those variables. */
export const testConfig = (overrides: Record<string, string> = {}): Config =>
  loadConfig({ ...process.env, ...testSettings(), ...overrides });

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ActivityFunctions = Record<string, (...args: any[]) => Promise<unknown>>;

/**
 * A portal system's robots as a worker builds them, on this test run's settings with `overrides` (a wrong password),
 * each called with an activity context as Temporal calls it (heartbeats, attempt number for the evidence).
 */
export function robotsOf<Robots extends ActivityFunctions>(
  system: ConnectedSystem<object, Robots>,
  shared: { pool: Pool; browser: BrowserPool },
  overrides: Record<string, string> = {},
): Robots {
  const config = testConfig(overrides);
  const { activities } = system.connect(config, {
    ...shared,
    decisionLinks: undefined!,
    publicUrl: '',
    engine: config.TASK_QUEUE_SUFFIX,
    log: pino({ level: 'silent' }),
  });
  return Object.fromEntries(
    Object.entries(activities).map(([name, activity]) => [
      name,
      (...args: unknown[]) => new MockActivityEnvironment().run(activity, ...args),
    ]),
  ) as Robots;
}

export const uniqueId = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

/** The operator of every test engine: may list anyone's tasks. */
export const TEST_OPERATOR = 'operator@officeflow.test';
/** The auditor of every test engine: may read every audit trail, and change nothing. */
export const TEST_AUDITOR = 'auditor@officeflow.test';

export interface TestEngine {
  intakeUrl: string;
  /** What this engine appends to every task queue (TASK_QUEUE_SUFFIX). */
  queueSuffix: string;
  secret: string;
  client: Client;
  pool: Pool;
  registry: ProcessDefinition[];
  settings: Config;
  /** The environment a program talking to this engine runs with (the CLI): the test run's settings and the engine's. */
  env: Record<string, string>;
  /** Request headers of a signed-in person, with a token of the engine's own issuer. */
  signedInAs(email: string): Promise<Record<string, string>>;
  /** Keeps a finished run's history as a replay fixture, when recording (see histories.ts). */
  keepHistory(workflowId: string, name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The engine `officeflow up` runs, over the shared test infrastructure, on task queues of its own so test files
 * never take each other's work; `overrides.settings` replaces process settings (durations in seconds), `overrides.env`
 * the engine's environment (a system of the test's own).
 */
export async function startTestEngine(
  overrides: {
    settings?: Record<string, object>;
    workers?: boolean;
    env?: Record<string, string>;
    /** Schedule times by `<process>:<name>` (every few seconds). */
    schedules?: Record<string, ScheduleTime>;
    /** Steps' expectations by process (a few seconds). */
    expectations?: Record<string, Record<string, string>>;
  } = {},
): Promise<TestEngine> {
  const env = {
    ...testSettings(),
    OFFICEFLOW_OPERATORS: TEST_OPERATOR,
    OFFICEFLOW_AUDITORS: TEST_AUDITOR,
    TASK_QUEUE_SUFFIX: `@${uniqueId('test')}`,
    INTAKE_HOST: '127.0.0.1',
    // A port known before the engine starts: the links in e-mails point at it.
    INTAKE_PORT: String(await localPort(0, 'INTAKE_PORT')),
    MAIL_FROM: 'officeflow <officeflow@test.example>',
    ...overrides.env,
  };
  const config = testConfig(env);
  quietRuntime();
  const engine = await startEngine(config, {
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    only: overrides.workers === false ? 'intake' : undefined,
    workflowBundle: { codePath: path.join(stateDir(), 'workflow-bundle.js') },
    processSettings: overrides.settings,
    scheduleTimes: overrides.schedules,
    expectations: overrides.expectations,
  });
  const client = engine.client!;
  return {
    intakeUrl: engine.intakeUrl!,
    queueSuffix: config.TASK_QUEUE_SUFFIX,
    secret: config.WEBHOOK_SECRETS[0],
    client,
    pool: engine.pool!,
    registry: engine.registry,
    settings: config,
    env,
    signedInAs: async (email) => ({
      authorization: `Bearer ${await issueToken(config.OFFICEFLOW_IDENTITY_KEY!, email, config.OIDC_AUDIENCE)}`,
    }),
    keepHistory: (workflowId, name) => keepHistory(client, temporalEndpoint(config), config.OFFICEFLOW_ENCRYPTION_KEY!, workflowId, name),
    stop: () => engine.stop(),
  };
}

/** A trigger's example event with fresh ids and the given data changes, so each test owns its business objects. */
export function eventFor(type: string, data: Record<string, unknown> = {}): CloudEvent {
  const trigger = processes.flatMap((process) => process.triggers).find((t) => t.type === type);
  if (!trigger) throw new Error(`no trigger for ${type}`);
  const example = exampleEvent(trigger);
  return { ...example, id: uniqueId('evt'), data: { ...(example.data as object), ...data } };
}

/** What a stand-in portal holds, read from its own storage in the test run's state folder. */
export const standInRecords = <T>(file: string): T[] => keptJson<T[]>(path.join(stateDir(), file), []).value;

/** The orders the stand-in legacy ERP portal holds. */
export const portalOrders = () => standInRecords<LegacyOrder>('legacy-erp.json');

/** Where the test run's mail sink shows what it received. */
export const mailbox = (): string => mailboxUrl(testConfig());

/** Every message the mail sink received for one recipient. */
export async function mailTo(recipient: string): Promise<ReceivedMail[]> {
  const response = await fetch(mailbox());
  const all = (await response.json()) as ReceivedMail[];
  return all.filter((mail) => mail.to.includes(recipient));
}

/** The attachments of a message the mail sink received, with their content. */
export async function attachmentsOf(mail: ReceivedMail) {
  const raw = await (await fetch(`${mailbox()}/${mail.id}.eml`)).arrayBuffer();
  return (await simpleParser(Buffer.from(raw))).attachments;
}

/** A run's progress once it is at `step` (and waiting on `waitingOn`, if given). */
export const atStep = (
  engine: Pick<TestEngine, 'client'>,
  workflowId: string,
  step: string,
  waitingOn?: string,
  timeoutMs?: number,
): Promise<Progress> =>
  eventually(
    async () => {
      // A run started from a kept event (a vendor's webhook) begins a moment after the answer.
      const progress = await engine.client.workflow
        .getHandle(workflowId)
        .query<Progress>(progressQuery)
        .catch((error: unknown) => {
          if (error instanceof WorkflowNotFoundError) return undefined;
          throw error;
        });
      return progress?.step === step && (!waitingOn || progress.waitingOn === waitingOn) ? progress : undefined;
    },
    `step ${step}`,
    timeoutMs,
  );

/** A run's handle once it has started: one started from a kept event (a webhook, a request) begins a moment after the answer. */
export async function startedRun(engine: Pick<TestEngine, 'client'>, workflowId: string) {
  const handle = engine.client.workflow.getHandle(workflowId);
  await eventually(() => handle.describe().catch(() => undefined), `run ${workflowId}`);
  return handle;
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
