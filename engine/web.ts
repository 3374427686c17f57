import rateLimit from '@fastify/rate-limit';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { DecisionLinks } from '../codec/decision-links';
import type { ProcessDefinition } from '../definitions/define';
import { taskList } from '../activities/human-tasks/store';
import { decisionPages } from '../human-tasks/decision-pages';
import { taskDesk } from '../human-tasks/desk';
import { type InboxOptions, inboxPages } from '../human-tasks/inbox';
import { inboxSessions } from '../human-tasks/sessions';
import { taskRoutes } from '../human-tasks/routes';
import { sessionRoutes } from '../human-tasks/session-routes';
import { contractRoutes } from '../web/contract-audit';
import { documentRoutes } from '../web/documents';
import { processCatalog } from '../web/events/catalog';
import { EventDispatcher } from '../web/events/dispatch';
import { eventRoutes } from '../web/events/routes';
import type { Sender } from '../web/events/senders';
import { httpServer } from '../web/http-server';
import type { Authenticate } from '../web/identity';
import { intakeMetrics } from '../web/metrics';
import { operatorLog } from '../db/operator-log';
import { runRepairRoutes } from '../web/run-repairs';
import { answerCounts } from '../web/events/answer-counts';
import { repairBatches } from '../web/repair-batches';
import { repairBatchRoutes } from '../web/repair-batch-routes';
import { deploymentRoutes } from '../web/deployment';
import { heldActivityRelease, systemPauseRoutes } from '../web/system-pauses';
import { objectViewRoutes } from '../web/object-views';
import { eventLogRoutes } from '../web/event-log';
import { casePrediction, insightRoutes, insightsOf } from '../web/insights';
import { scheduleRoutes } from '../web/schedules';
import { dispatchThrough, sourceSender } from '../web/sources/dispatch';
import { DEAL_EVENT_TYPES } from '../web/sources/deal-events';
import { type HubSpotSource, hubspotSourceRoutes } from '../web/sources/hubspot';
import { type PipedriveSource, pipedriveSourceRoutes } from '../web/sources/pipedrive';
import { type SalesforceSource, salesforceSourceRoutes } from '../web/sources/salesforce';
import { sourceEventRoutes } from '../web/sources/routes';
import { sourceDispatcher, sourceEvents } from '../web/sources/source-events';
import { type DocuSignSource, docuSignSourceRoutes } from '../web/sources/docusign';
import { type StripeSource, stripeSourceRoutes } from '../web/sources/stripe';
import { taskQueuesOf } from '../definitions';
import { keptForecasts } from '../web/forecasts';
import { iso20022Schemas } from '../activities/bank/schemas';
import { statementFolder } from '../web/bank/folder';
import { bankRoutes } from '../web/bank/routes';
import { bankStatements } from '../web/bank/statements';

export interface IntakeDeps {
  client: Client;
  pool: Pool;
  registry: ProcessDefinition[];
  /** What this engine appends to its task queues and schedules, where engines share a namespace. */
  taskQueueSuffix?: string;
  /** The worker deployment operators move between builds (`officeflow deploy`). */
  deploymentName?: string;
  /** The connected systems by name, which operators may pause and resume. */
  systemNames?: string[];
  /** The systems that may send events, each with its secrets and scope. */
  senders: Sender[];
  /** Who sent a request to the task API. */
  authenticate: Authenticate;
  /** Requests per minute one client may send. */
  rateLimit: number;
  /** Proxies before the intake (a load balancer: 1): the client is who the nearest of them says it is. */
  trustProxyHops?: number;
  /** Reads the one-click links in task e-mails. */
  links: DecisionLinks;
  /** HubSpot's app webhooks, where its client secrets are configured. */
  hubspot?: HubSpotSource;
  /** Pipedrive's webhooks, where their credentials are configured. */
  pipedrive?: PipedriveSource;
  /** Salesforce's Outbound Messages, where an org is configured. */
  salesforce?: SalesforceSource;
  /** Stripe's webhooks, where their signing secrets are configured. */
  stripe?: StripeSource;
  /** DocuSign Connect's messages, where its HMAC keys are configured. */
  docuSign?: DocuSignSource;
  /** Bank statements: our accounts, a folder to watch, more ISO 20022 schemas; without them, no bank routes. */
  bank?: { accounts: string[]; statementDir?: string; schemasDir?: string };
  /** The task inbox's settings; without them, no inbox. */
  inbox?: Omit<InboxOptions, 'desk' | 'tasks' | 'sessions' | 'authenticate' | 'insights'>;
  /** How often each process's forecast is made again from the event log, in ms (the runs it starts carry it). */
  forecastEvery?: number;
  log: Logger;
}

/**
 * The front-office event intake: `POST /events` (CloudEvents over HTTP, signed per Standard Webhooks),
 * `GET /processes` (the catalog), `GET /healthz`, and people's tasks (`GET /tasks`, `POST /tasks/:id/decision`).
 */
export function buildIntake({
  client,
  pool,
  registry,
  taskQueueSuffix = '',
  systemNames = [],
  deploymentName = 'officeflow',
  senders,
  authenticate,
  rateLimit: max,
  trustProxyHops,
  links,
  hubspot,
  pipedrive,
  salesforce,
  stripe,
  docuSign,
  bank,
  inbox,
  forecastEvery = 15 * 60_000,
  log,
}: IntakeDeps): FastifyInstance {
  const app = httpServer(log, trustProxyHops);
  const tasks = taskList(pool);
  const metrics = intakeMetrics(tasks, registry);
  metrics.start((error) => log.warn({ err: error }, 'the task gauges were not read'));
  app.addHook('onClose', async () => metrics.stop());
  app.register(rateLimit, { max, timeWindow: '1 minute' });
  const forecasts = keptForecasts(
    pool,
    registry.map((process) => process.name),
    taskQueuesOf(registry),
    forecastEvery,
    (error) => log.warn({ err: error }, 'the forecasts were not made again; the runs started meanwhile carry the last ones'),
  );
  app.addHook('onClose', () => forecasts.stop());
  const dispatcher = new EventDispatcher(client, pool, registry, forecasts.of);
  const answers = answerCounts(pool, taskQueueSuffix, log);
  app.addHook('onClose', () => answers.stop());
  app.register(eventRoutes, { prefix: '/events', dispatcher, senders, pool, metrics, answers });
  // Vendors' webhooks and bank statements: kept as they arrive, then dispatched as events in the background.
  const kept = sourceEvents(pool, taskQueueSuffix);
  const operators = operatorLog(pool);
  if (hubspot || pipedrive || salesforce || stripe || docuSign || bank) {
    // Each CRM's source may send what a deal can mean, the bank's what its statements bring, each from its own source.
    const senders = {
      ...Object.fromEntries(['hubspot', 'pipedrive', 'salesforce'].map((crm) => [crm, sourceSender(crm, DEAL_EVENT_TYPES)])),
      bank: sourceSender('bank', ['bank.payment.received', 'bank.refund-run.requested']),
      stripe: sourceSender('stripe', ['payments.payment.received', 'payments.refund.paid']),
      docusign: sourceSender('docusign', ['esign.envelope.completed', 'esign.envelope.declined']),
    };
    const background = sourceDispatcher(kept, dispatchThrough(dispatcher, senders), log);
    app.addHook('onClose', () => background.stop());
    const shared = { events: kept, kept: background.kick, metrics };
    if (hubspot) app.register(hubspotSourceRoutes, { prefix: '/sources/hubspot', source: hubspot, ...shared });
    if (pipedrive) app.register(pipedriveSourceRoutes, { prefix: '/sources/pipedrive', source: pipedrive, ...shared });
    if (salesforce) app.register(salesforceSourceRoutes, { prefix: '/sources/salesforce', source: salesforce, ...shared });
    if (stripe) app.register(stripeSourceRoutes, { prefix: '/sources/stripe', source: stripe, ...shared });
    if (docuSign) app.register(docuSignSourceRoutes, { prefix: '/sources/docusign', source: docuSign, ...shared });
    if (bank) {
      const schemas = iso20022Schemas(bank.schemasDir, log);
      const statements = bankStatements(pool, { accounts: bank.accounts, schemas, events: kept, imported: background.kick });
      app.register(bankRoutes, {
        prefix: '/bank',
        statements,
        refundRuns: { events: kept, kept: background.kick },
        pool,
        authenticate,
        log: operators,
      });
      if (bank.statementDir) {
        const folder = statementFolder(bank.statementDir, statements, log);
        app.addHook('onClose', () => folder.stop());
      }
    }
  }
  app.register(sourceEventRoutes, { prefix: '/sources/events', events: kept, authenticate });
  const desk = taskDesk(client, tasks, pool, operators);
  app.register(taskRoutes, { prefix: '/tasks', desk, tasks, authenticate });
  app.register(decisionPages, { prefix: '/links', links, desk, tasks, pool });
  const sessions = inboxSessions(pool);
  const insights = insightsOf(pool, registry);
  if (inbox) app.register(inboxPages, { prefix: '/inbox', desk, tasks, sessions, authenticate, insights, ...inbox });
  app.register(sessionRoutes, { prefix: '/inbox-sessions', sessions, authenticate, log: operators });
  app.register(contractRoutes, { prefix: '/contracts', pool, authenticate });
  app.register(documentRoutes, { prefix: '/documents', pool, authenticate, log: operators });
  app.register(runRepairRoutes, { client, authenticate, log: operators });
  const batches = repairBatches(pool, client, operators, log);
  // Batches an engine left running when it stopped are taken up again.
  app.addHook('onReady', async () => {
    await batches.takeUpLeftOver().catch((error: unknown) => log.warn({ err: error }, 'left-over repair batches were not read'));
  });
  app.addHook('onClose', () => batches.close());
  const release = heldActivityRelease(pool, client, taskQueueSuffix, log);
  app.addHook('onClose', () => release.stop());
  app.register(systemPauseRoutes, {
    prefix: '/systems',
    pool,
    engine: taskQueueSuffix,
    systems: systemNames,
    release,
    authenticate,
    log: operators,
  });
  app.register(deploymentRoutes, { prefix: '/deployment', client, deploymentName, authenticate, log: operators });
  app.register(repairBatchRoutes, { prefix: '/repairs', client, batches, authenticate, log: operators });
  app.register(scheduleRoutes, { prefix: '/schedules', client, registry, taskQueueSuffix, authenticate, log: operators });
  app.register(insightRoutes, { prefix: '/insights', insights, predictions: casePrediction(pool, registry), authenticate });
  app.register(objectViewRoutes, { pool, registry, authenticate });
  app.register(eventLogRoutes, { prefix: '/event-log', pool, registry, authenticate });

  app.get('/processes', async () => processCatalog(registry));

  app.get('/healthz', async (request, reply) => {
    // Whoever can reach the intake may ask: the answer says which backend is away, the log says why.
    const check = (backend: string, probe: Promise<unknown>) =>
      probe.then(
        () => 'ok',
        (error: unknown) => {
          request.log.warn({ err: error, backend }, 'health check: a backend is unreachable');
          return 'unreachable';
        },
      );
    const [temporal, postgres] = await Promise.all([
      check('temporal', client.workflowService.getSystemInfo({})),
      check('postgres', pool.query('SELECT 1')),
    ]);
    const healthy = temporal === 'ok' && postgres === 'ok';
    return reply.code(healthy ? 200 : 503).send({ status: healthy ? 'ok' : 'degraded', temporal, postgres });
  });

  return app;
}
