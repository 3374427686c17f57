import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import type { ProcessDefinition } from '../definitions/define';
import { newestRunOf, runsOf, systemAttemptsOf } from '../insights/log';
import { checkpointsOf } from '../insights/predict';
import { type ProcessInsights, type RunningCase, processInsights, runningCase } from '../insights/report';
import { activityQueuesOf, taskQueuesOf } from '../definitions';
import { Refusal } from './errors';
import type { Authenticate } from './identity';
import { type Role, holds, ownerOf, requireRole } from './roles';

/** Unless asked for another span, a report reads the runs of the last 30 days. */
export const DEFAULT_SPAN_MS = 30 * 24 * 3600 * 1000;

/** Refuses with 404, naming the processes it runs, a process the engine does not run. */
export function refuseUnknownProcess(registry: ProcessDefinition[], process: string): void {
  if (!registry.some((known) => known.name === process))
    throw new Refusal(404, 'unknown_process', `no process is named "${process}": ${registry.map((known) => known.name).join(', ')}`);
}

/** A process's insights since a moment, on the engine's task queues; a process the engine does not run is refused. */
export type InsightsOf = (process: string, since: Date) => Promise<ProcessInsights>;

/**
 * When a run is expected to be done, from the finished runs of its process of the last 30 days: its process, and where
 * it stands with its prediction; undefined for a run the event log does not have.
 */
export function casePrediction(pool: Pool, registry: ProcessDefinition[]) {
  const taskQueues = taskQueuesOf(registry);
  return async (workflowId: string): Promise<{ process: string; running: RunningCase | undefined } | undefined> => {
    const newest = await newestRunOf(pool, workflowId, taskQueues);
    if (!newest) return undefined;
    const runs = await runsOf(pool, newest.process, new Date(Date.now() - DEFAULT_SPAN_MS), taskQueues, newest.runId);
    const run = runs.find((candidate) => candidate.runId === newest.runId);
    const finished = runs.filter((candidate) => candidate.endedAt);
    return {
      process: newest.process,
      running: run && !run.endedAt ? runningCase(run, checkpointsOf(finished), finished.length, new Date()) : undefined,
    };
  };
}

export function insightsOf(pool: Pool, registry: ProcessDefinition[]): InsightsOf {
  const taskQueues = taskQueuesOf(registry);
  const attemptQueues = activityQueuesOf(registry);
  return async (process, since) => {
    refuseUnknownProcess(registry, process);
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
export const insightRoutes: FastifyPluginAsyncZod<{
  insights: InsightsOf;
  predictions: ReturnType<typeof casePrediction>;
  authenticate: Authenticate;
}> = async (app, { insights, predictions, authenticate }) => {
  // `GET /insights/runs/:workflowId`: when one run is expected to be done (`officeflow status` shows it).
  app.get('/runs/:workflowId', { schema: { params: z.object({ workflowId: z.string() }) } }, async (request) => {
    const person = await authenticate(request.headers.authorization);
    const found = await predictions(request.params.workflowId);
    // To whoever may not read its process's insights, a run is unknown: ids cannot be tried one by one.
    if (!found || !mayReadInsights(person, found.process))
      throw new Refusal(404, 'no_such_run', `no run you may read the insights of has the id "${request.params.workflowId}"`);
    return found;
  });
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
