import type { Pool } from 'pg';

/** Runs forgotten at most per statement: a long backlog goes in steps, no lock held long. */
const AT_ONCE = 5000;

/**
 * Forgets what the event log keeps of runs that ended more than `keepMs` ago (their events and state), and the counts
 * of attempts per system as old, on the engine's task queues. Returns how many runs were forgotten.
 */
export async function forgetEndedRuns(pool: Pool, keepMs: number, taskQueues: string[]): Promise<number> {
  let forgotten = 0;
  for (;;) {
    const { rowCount } = await pool.query(
      `WITH old AS (SELECT run_id FROM process_runs
                     WHERE ended_at < now() - make_interval(secs => $1) AND task_queue = ANY($2) LIMIT ${AT_ONCE}),
            events AS (DELETE FROM process_events e USING old WHERE e.run_id = old.run_id)
       DELETE FROM process_runs r USING old WHERE r.run_id = old.run_id`,
      [keepMs / 1000, taskQueues],
    );
    forgotten += rowCount ?? 0;
    if ((rowCount ?? 0) < AT_ONCE) break;
  }
  await pool.query(`DELETE FROM system_attempts WHERE minute < now() - make_interval(secs => $1) AND task_queue = ANY($2)`, [
    keepMs / 1000,
    taskQueues,
  ]);
  return forgotten;
}
