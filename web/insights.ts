import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ProcessDefinition } from '../definitions/define';
import { runsOf, systemAttemptsOf } from '../insights/log';
import { robotTaskQueue } from '../workflows/robots';
import { processInsights } from '../insights/report';
import type { Pool } from 'pg';
import { Refusal } from './errors';
import type { Authenticate } from './identity';
import { ownerOf, requireRole } from './roles';

/** Unless asked for another span, a report reads the runs of the last 30 days. */
const DEFAULT_SPAN_MS = 30 * 24 * 3600 * 1000;

/**
 * `GET /insights/:process?since=<time>`: where the process's runs spend their time, the paths they take, tasks decided
 * in time and loops, from the event log (`insights/report.ts`). For its owners, operators and auditors.
 */
export const insightRoutes: FastifyPluginAsyncZod<{ pool: Pool; registry: ProcessDefinition[]; authenticate: Authenticate }> = async (
  app,
  { pool, registry, authenticate },
) => {
  const taskQueues = [...new Set(registry.map((process) => process.taskQueue))];
  // Robots run on queues of their own: their attempts are counted there.
  const attemptQueues = [...taskQueues, ...taskQueues.map(robotTaskQueue)];
  app.get(
    '/:process',
    {
      schema: { params: z.object({ process: z.string() }), querystring: z.object({ since: z.iso.datetime({ offset: true }).optional() }) },
    },
    async (request) => {
      const { process } = request.params;
      const person = await authenticate(request.headers.authorization);
      requireRole(person, `read the insights of ${process}`, 'operator', 'auditor', ownerOf(process));
      if (!registry.some((known) => known.name === process))
        throw new Refusal(404, 'unknown_process', `no process is named "${process}": ${registry.map((known) => known.name).join(', ')}`);
      const since = request.query.since ? new Date(request.query.since) : new Date(Date.now() - DEFAULT_SPAN_MS);
      const report = processInsights(process, since, await runsOf(pool, process, since, taskQueues));
      return { ...report, systems: await systemAttemptsOf(pool, process, since, attemptQueues) };
    },
  );
};
