import type { Context as ActivityContext } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { PAUSES_READ_EVERY_MS, SYSTEM_PAUSED, pausedBecause } from '../contracts/system-pauses';

/**
 * Holding the activities of a paused system. An activity of a system an operator paused does not reach the system: it
 * asks Temporal to pause it (Temporal's activity pause: no further attempt is scheduled, no retry is spent, the UI shows
 * it paused with the reason) and ends its attempt. The engine's intake unpauses the held activities, with their
 * attempts counted afresh, once the system resumes (web/system-pauses.ts).
 */

/** The systems paused now, by name, with the reason; read at most once a second. */
function pausedSystems(pool: Pool, engine: string) {
  let read: Promise<Map<string, string>> | undefined;
  let readAt = 0;
  return (): Promise<Map<string, string>> => {
    if (!read || Date.now() - readAt > PAUSES_READ_EVERY_MS) {
      readAt = Date.now();
      read = pool
        .query<{ system: string; reason: string }>(`SELECT system, reason FROM system_pauses WHERE engine = $1 AND state = 'paused'`, [
          engine,
        ])
        .then(({ rows }) => new Map(rows.map((row) => [row.system, row.reason])));
      // A failed read is tried again by the next activity, not remembered.
      read.catch(() => (readAt = 0));
    }
    return read;
  };
}

export const systemPauseGate = (pool: Pool, engine: string, systemOf: Record<string, string>, log: Logger): ActivityInterceptorsFactory => {
  const paused = pausedSystems(pool, engine);
  return (ctx: ActivityContext) => ({
    inbound: {
      async execute(input, next) {
        const system = systemOf[ctx.info.activityType];
        const reason = system ? (await paused()).get(system) : undefined;
        const { workflowExecution, activityId, workflowNamespace } = ctx.info;
        if (reason === undefined || !workflowExecution) return next(input);
        // Kept before Temporal is asked, so a worker lost in between leaves nothing held that the release does not find.
        const why = pausedBecause(system, reason);
        await pool.query(
          `INSERT INTO held_activities (engine, workflow_id, run_id, activity_id, system, why) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (workflow_id, run_id, activity_id) DO UPDATE SET held_at = now(), why = $6, run_told = false`,
          [engine, workflowExecution.workflowId, workflowExecution.runId, activityId, system, why],
        );
        await ctx.client.workflowService.pauseActivity({
          namespace: workflowNamespace,
          execution: workflowExecution,
          id: activityId,
          identity: `officeflow (${system} paused)`,
          reason: why,
        });
        log.info(
          { workflowId: workflowExecution.workflowId, activity: ctx.info.activityType, system },
          'activity held: its system is paused',
        );
        throw ApplicationFailure.create({ type: SYSTEM_PAUSED, message: `${system} is paused: ${reason}` });
      },
    },
  });
};
