import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import type { ProcessDefinition } from '../definitions/define';
import { eventLogRows } from '../insights/event-log';
import { ocelOf, ocelSqlite } from '../insights/ocel';
import { xesOf } from '../insights/xes';
import { DEFAULT_SPAN_MS, refuseUnknownProcess } from './insights';
import { taskQueuesOf } from '../definitions';
import type { Authenticate } from './identity';
import { ownerOf, requireRole } from './roles';

export const EVENT_LOG_FORMATS = ['ocel2-json', 'ocel2-sqlite', 'xes'] as const;

/**
 * `GET /event-log?format=ocel2-json|ocel2-sqlite|xes[&process=…][&since=…]`: the event log for process-mining tools
 * (pm4py, Celonis, a pm4js notebook): OCEL 2.0 as JSON or SQLite, or XES. Every process unless one is named, since an
 * object-centric log follows a customer or an invoice across processes. For operators and auditors, and a process's
 * owners for its own.
 */
export const eventLogRoutes: FastifyPluginAsyncZod<{ pool: Pool; registry: ProcessDefinition[]; authenticate: Authenticate }> = async (
  app,
  { pool, registry, authenticate },
) => {
  const taskQueues = taskQueuesOf(registry);
  const query = z.object({
    format: z.enum(EVENT_LOG_FORMATS),
    process: z.string().optional(),
    since: z.iso.datetime({ offset: true }).optional(),
  });
  app.get('/', { schema: { querystring: query } }, async (request, reply) => {
    const { format, process } = request.query;
    const person = await authenticate(request.headers.authorization);
    if (process) requireRole(person, `export the event log of ${process}`, 'operator', 'auditor', ownerOf(process));
    else requireRole(person, 'export the event log', 'operator', 'auditor');
    if (process) refuseUnknownProcess(registry, process);
    const since = request.query.since ? new Date(request.query.since) : new Date(Date.now() - DEFAULT_SPAN_MS);
    const rows = await eventLogRows(pool, { process, since, taskQueues });
    const name = `officeflow-${process ?? 'all'}`;
    if (format === 'xes')
      return reply.type('application/xml').header('content-disposition', `attachment; filename="${name}.xes"`).send(xesOf(rows));
    const log = ocelOf(rows);
    if (format === 'ocel2-json') return reply.header('content-disposition', `attachment; filename="${name}.jsonocel"`).send(log);
    return reply
      .type('application/vnd.sqlite3')
      .header('content-disposition', `attachment; filename="${name}.sqlite"`)
      .send(Buffer.from(await ocelSqlite(log)));
  });
};
