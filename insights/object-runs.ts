import type { Pool } from 'pg';

/** A run about a business object, in any process: where it stands or how it ended. */
export interface ObjectRun {
  process: string;
  workflowId: string;
  /** The objects it touches: `{ deal: 'D-1', customer: 'ACC-1001', invoice: 'INV-000007' }`. */
  objects: Record<string, string>;
  startedAt: string;
  step?: string;
  waitingOn?: string;
  endedAt?: string;
  outcome?: string;
}

export interface OpenTask {
  taskId: string;
  workflowId: string;
  title: string;
  assignee: string;
  deadline: string;
}

/** A row without the columns PostgreSQL gave as null: optional fields left out, as the shapes say. */
export const withoutNulls = <T extends object>(row: T): T =>
  Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null)) as T;

/** The runs on the engine's task queues that name any of the objects, by type: `{ customer: ['ACC-1'], invoice: [...] }`. */
export async function runsTouching(pool: Pool, objects: Record<string, string[]>, taskQueues: string[]): Promise<ObjectRun[]> {
  const wanted = Object.entries(objects).flatMap(([type, ids]) => ids.map((id) => JSON.stringify({ [type]: id })));
  if (wanted.length === 0) return [];
  // One containment test per object, OR-ed: each is looked up in the GIN index on `objects`.
  const { rows } = await pool.query<ObjectRun>(
    `SELECT process, workflow_id AS "workflowId", objects, started_at AS "startedAt", step, waiting_on AS "waitingOn",
            ended_at AS "endedAt", outcome
       FROM process_runs
      WHERE task_queue = ANY($1) AND (${wanted.map((_, i) => `objects @> $${i + 2}::jsonb`).join(' OR ')})
      ORDER BY started_at`,
    [taskQueues, ...wanted],
  );
  return rows.map(withoutNulls);
}

/** The open tasks the running ones of these runs wait on, the earliest due first. */
export async function openTasksOf(pool: Pool, runs: ObjectRun[]): Promise<OpenTask[]> {
  const { rows } = await pool.query<OpenTask>(
    `SELECT task_id AS "taskId", workflow_id AS "workflowId", title, assignee, deadline
       FROM human_tasks WHERE status = 'open' AND workflow_id = ANY($1) ORDER BY deadline`,
    [runs.filter((run) => !run.endedAt).map((run) => run.workflowId)],
  );
  return rows;
}
