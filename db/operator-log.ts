import type { Pool, PoolClient } from 'pg';

/** One thing an operator, a person acting for someone else, or a portal's health check (`officeflow health check`) did. */
export interface OperatorAction {
  actor: string;
  /** `retry`, `reset`, `cancel`, `system-pause`, `system-resume`, `document-read`, `task-delegated`, `decided-on-behalf`, … */
  action: string;
  /** What it was done to: a run's workflow id, a document's key, a task's id. */
  target: string;
  reason?: string;
  detail?: Record<string, unknown>;
}

/** The append-only operator log (table `operator_actions`): every write and read of it (in `pool`'s transaction, if one). */
export function operatorLog(pool: Pool | PoolClient) {
  return {
    async record({ actor, action, target, reason, detail = {} }: OperatorAction): Promise<void> {
      await pool.query(`INSERT INTO operator_actions (actor, action, target, reason, detail) VALUES ($1, $2, $3, $4, $5)`, [
        actor,
        action,
        target,
        reason ?? null,
        detail,
      ]);
    },
    /** Newest first: everything since a moment, or one person's. */
    async list({ since, actor, limit = 200 }: { since?: Date; actor?: string; limit?: number }) {
      const { rows } = await pool.query<OperatorAction & { recordedAt: Date }>(
        `SELECT actor, action, target, reason, detail, recorded_at AS "recordedAt" FROM operator_actions
          WHERE ($1::timestamptz IS NULL OR recorded_at >= $1) AND ($2::text IS NULL OR actor = $2)
          ORDER BY position DESC LIMIT $3`,
        [since ?? null, actor ?? null, limit],
      );
      return rows;
    },
  };
}

export type OperatorLog = ReturnType<typeof operatorLog>;
