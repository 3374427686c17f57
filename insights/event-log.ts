import type { Pool } from 'pg';
import { withoutNulls } from './object-runs';

/** One row of the event log, with its run: what the exports are made of. */
export interface LogRow {
  runId: string;
  seq: number;
  workflowId: string;
  process: string;
  kind: string;
  step?: string;
  waitingOn?: string;
  deadline?: string;
  detail?: string;
  objects: Record<string, string>;
  at: string;
}

/** Events exported at most at once. */
export const MAX_EXPORTED = 1_000_000;

/**
 * The event log of the runs started since a moment on the engine's task queues (of one process, or of all: an
 * object-centric log follows objects across processes), in order per run.
 */
export async function eventLogRows(pool: Pool, selection: { process?: string; since: Date; taskQueues: string[] }): Promise<LogRow[]> {
  const { rows } = await pool.query<LogRow>(
    `SELECT e.run_id AS "runId", e.seq, e.workflow_id AS "workflowId", e.process, e.kind, e.step, e.waiting_on AS "waitingOn",
            to_char(e.deadline AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS deadline, e.detail, e.objects,
            to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
       FROM process_events e JOIN process_runs r USING (run_id)
      WHERE r.task_queue = ANY($1) AND r.started_at >= $2 AND ($3::text IS NULL OR r.process = $3)
      ORDER BY r.started_at, e.run_id, e.seq LIMIT ${MAX_EXPORTED}`,
    [selection.taskQueues, selection.since, selection.process ?? null],
  );
  return rows.map(withoutNulls);
}

/** What a process-mining tool calls the event's activity: the step entered, a task's moment, the run's start or end. */
export function activityOf(row: Pick<LogRow, 'kind' | 'step'>): string {
  switch (row.kind) {
    case 'started':
      return 'run started';
    case 'ended':
      return 'run ended';
    case 'step':
      return row.step!;
    default:
      // task-opened → "credit-approval: opened"
      return `${row.step}: ${row.kind.slice('task-'.length)}`;
  }
}

/** An object's id across types: `deal:D-1`, `customer:ACC-1001`. */
export const objectId = (type: string, id: string) => `${type}:${id}`;

/** The event's attributes beside its activity and time: whom it waits on, until when, the verdict or outcome. */
export function attributesOf(row: LogRow): Array<{ name: string; value: string; type: 'string' | 'time' }> {
  return [
    { name: 'process', value: row.process, type: 'string' as const },
    ...(row.waitingOn ? [{ name: 'waitingOn', value: row.waitingOn, type: 'string' as const }] : []),
    ...(row.deadline ? [{ name: 'deadline', value: row.deadline, type: 'time' as const }] : []),
    ...(row.detail ? [{ name: row.kind === 'ended' ? 'outcome' : 'verdict', value: row.detail, type: 'string' as const }] : []),
  ];
}
