import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import type { ProcessDefinition } from '../definitions/define';
import { runsOf, systemAttemptsOf } from '../insights/log';
import { type ProcessInsights, processInsights } from '../insights/report';
import { robotTaskQueue } from '../workflows/robots';
import { Refusal } from './errors';
import type { Authenticate } from './identity';
import { type Role, holds, ownerOf, requireRole } from './roles';

/** Unless asked for another span, a report reads the runs of the last 30 days. */
export const DEFAULT_SPAN_MS = 30 * 24 * 3600 * 1000;

/** A process's insights since a moment, on the engine's task queues; a process the engine does not run is refused. */
export type InsightsOf = (process: string, since: Date) => Promise<ProcessInsights>;

export function insightsOf(pool: Pool, registry: ProcessDefinition[]): InsightsOf {
  const taskQueues = [...new Set(registry.map((process) => process.taskQueue))];
  // Robots run on queues of their own: their attempts are counted there.
  const attemptQueues = [...taskQueues, ...taskQueues.map(robotTaskQueue)];
  return async (process, since) => {
    if (!registry.some((known) => known.name === process))
      throw new Refusal(404, 'unknown_process', `no process is named "${process}": ${registry.map((known) => known.name).join(', ')}`);
    const report = processInsights(process, since, await runsOf(pool, process, since, taskQueues));
    return { ...report, systems: await systemAttemptsOf(pool, process, since, attemptQueues) };
  };
}

/** Who may read a process's insights: its owners, operators and auditors. */
export const mayReadInsights = (person: { roles: readonly Role[] }, process: string) =>
  holds(person, 'operator', 'auditor', ownerOf(process));

/**
 * `GET /insights/:process?since=<time>`: where the process's runs spend their time, the paths they take, tasks decided
 * in time and loops, from the event log (`insights/report.ts`). For its owners, operators and auditors.
 */
export const insightRoutes: FastifyPluginAsyncZod<{ insights: InsightsOf; authenticate: Authenticate }> = async (
  app,
  { insights, authenticate },
) => {
  app.get(
    '/:process',
    {
      schema: { params: z.object({ process: z.string() }), querystring: z.object({ since: z.iso.datetime({ offset: true }).optional() }) },
    },
    async (request) => {
      const { process } = request.params;
      const person = await authenticate(request.headers.authorization);
      requireRole(person, `read the insights of ${process}`, 'operator', 'auditor', ownerOf(process));
      return insights(process, request.query.since ? new Date(request.query.since) : new Date(Date.now() - DEFAULT_SPAN_MS));
    },
  );
};
