import type { Pool } from 'pg';
import type { LoggedRun } from './runs';

/** Runs that are fetched at most per report: a month of a busy process. */
const MAX_RUNS = 20_000;

/**
 * The runs of a process started since a moment on the engine's task queues, each with its events in order; and the
 * run `alsoRun` (its id), whenever it started.
 */
export async function runsOf(pool: Pool, process: string, since: Date, taskQueues: string[], alsoRun?: string): Promise<LoggedRun[]> {
  const { rows } = await pool.query<LoggedRun>(
    `SELECT r.run_id AS "runId", r.workflow_id AS "workflowId", r.started_at AS "startedAt", r.ended_at AS "endedAt", r.outcome,
            coalesce((SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object('seq', e.seq, 'kind', e.kind, 'step', e.step,
                        'waitingOn', e.waiting_on, 'deadline', e.deadline, 'detail', e.detail, 'at', e.at)) ORDER BY e.seq)
                        FROM process_events e WHERE e.run_id = r.run_id), '[]') AS events
       FROM process_runs r
      WHERE r.process = $1 AND (r.started_at >= $2 OR r.run_id = $4) AND r.task_queue = ANY($3)
      ORDER BY r.started_at LIMIT ${MAX_RUNS}`,
    [process, since, taskQueues, alsoRun ?? null],
  );
  // jsonb carries times as text.
  return rows.map((run) => ({
    ...run,
    endedAt: run.endedAt ?? undefined,
    outcome: run.outcome ?? undefined,
    events: run.events.map((event) => ({
      ...event,
      at: new Date(event.at),
      deadline: event.deadline ? new Date(event.deadline) : undefined,
    })),
  }));
}

/** Failed attempts and retries per system of a process's runs since a moment (`workers/system-attempts.ts`). */
export async function systemAttemptsOf(pool: Pool, process: string, since: Date, taskQueues: string[]) {
  const { rows } = await pool.query<{ system: string; failed: number; retried: number }>(
    `SELECT system, sum(failed)::int AS failed, sum(retried)::int AS retried FROM system_attempts
      WHERE process = $1 AND minute >= date_trunc('minute', $2::timestamptz) AND task_queue = ANY($3)
      GROUP BY system ORDER BY sum(failed) DESC, system`,
    [process, since, taskQueues],
  );
  return rows;
}

/** The newest run of a workflow on the engine's task queues, as the event log has it: its run id and process. */
export async function newestRunOf(pool: Pool, workflowId: string, taskQueues: string[]) {
  const { rows } = await pool.query<{ runId: string; process: string }>(
    `SELECT run_id AS "runId", process FROM process_runs WHERE workflow_id = $1 AND task_queue = ANY($2)
      ORDER BY started_at DESC NULLS LAST LIMIT 1`,
    [workflowId, taskQueues],
  );
  return rows[0];
}
