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
import { taskRoutes } from '../human-tasks/routes';
import { contractRoutes } from '../web/contract-audit';
import { documentRoutes } from '../web/documents';
import { processCatalog } from '../web/events/catalog';
import { EventDispatcher } from '../web/events/dispatch';
import { eventRoutes } from '../web/events/routes';
import { httpServer } from '../web/http-server';
import type { Authenticate } from '../web/identity';
import { intakeMetrics } from '../web/metrics';

export interface IntakeDeps {
  client: Client;
  pool: Pool;
  registry: ProcessDefinition[];
  webhookSecrets: string[];
  /** Who sent a request to the task API. */
  authenticate: Authenticate;
  /** E-mail addresses of operators. */
  operators: string[];
  /** Requests per minute one client may send. */
  rateLimit: number;
  /** Proxies before the intake (a load balancer: 1): the client is who the nearest of them says it is. */
  trustProxyHops?: number;
  /** Reads the one-click links in task e-mails. */
  links: DecisionLinks;
  /** The task inbox's settings; without them, no inbox. */
  inbox?: Omit<InboxOptions, 'desk' | 'tasks' | 'authenticate'>;
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
  webhookSecrets,
  authenticate,
  operators,
  rateLimit: max,
  trustProxyHops,
  links,
  inbox,
  log,
}: IntakeDeps): FastifyInstance {
  const app = httpServer(log, trustProxyHops);
  const tasks = taskList(pool);
  const metrics = intakeMetrics(tasks, registry);
  metrics.start((error) => log.warn({ err: error }, 'the task gauges were not read'));
  app.addHook('onClose', async () => metrics.stop());
  app.register(rateLimit, { max, timeWindow: '1 minute' });
  app.register(eventRoutes, {
    prefix: '/events',
    dispatcher: new EventDispatcher(client, pool, registry),
    webhookSecrets,
    pool,
    metrics,
  });
  const desk = taskDesk(client, tasks, pool);
  app.register(taskRoutes, { prefix: '/tasks', desk, tasks, authenticate, operators });
  app.register(decisionPages, { prefix: '/links', links, desk, tasks, pool });
  if (inbox) app.register(inboxPages, { prefix: '/inbox', desk, tasks, authenticate, ...inbox });
  app.register(contractRoutes, { prefix: '/contracts', pool, authenticate });
  app.register(documentRoutes, { prefix: '/documents', pool, authenticate, operators });

  app.get('/processes', async () => processCatalog(registry));

  app.get('/healthz', async (_request, reply) => {
    const check = (probe: Promise<unknown>) =>
      probe.then(
        () => 'ok',
        (error: Error) => `unreachable: ${error.message}`,
      );
    const [temporal, postgres] = await Promise.all([check(client.workflowService.getSystemInfo({})), check(pool.query('SELECT 1'))]);
    const healthy = temporal === 'ok' && postgres === 'ok';
    return reply.code(healthy ? 200 : 503).send({ status: healthy ? 'ok' : 'degraded', temporal, postgres });
  });

  return app;
}
