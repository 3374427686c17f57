import type { Pool } from 'pg';
import { DEFAULT_VERDICTS, type TaskDecisionRecord, type TaskRecord } from '../../contracts/human-task';

/** The task list people read (`GET /tasks`): every write is keyed by the task id, so retries are harmless. */
export function taskListActivities(pool: Pool) {
  return {
    async openTask(task: TaskRecord): Promise<void> {
      await pool.query(
        `INSERT INTO human_tasks (task_id, workflow_id, title, details, assignee, deadline, verdicts, comment_required_for, team)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (task_id) DO NOTHING`,
        [
          task.taskId,
          task.workflowId,
          task.title,
          task.details,
          task.assignee,
          task.deadline,
          task.verdicts ?? DEFAULT_VERDICTS,
          task.commentRequiredFor ?? [],
          task.team ?? null,
        ],
      );
    },

    /** Passes an open task to someone else: its escalation target, or the person it was delegated to. */
    async reassignTask(input: { taskId: string; assignee: string; escalated?: boolean }): Promise<void> {
      await pool.query(`UPDATE human_tasks SET assignee = $2, escalated = escalated OR $3 WHERE task_id = $1 AND status = 'open'`, [
        input.taskId,
        input.assignee,
        input.escalated ?? true,
      ]);
    },

    async closeTask(decision: TaskDecisionRecord): Promise<void> {
      await pool.query(
        `UPDATE human_tasks SET status = 'decided', decision = $2, decided_by = $3, on_behalf_of = $4, comment = $5,
                decided_at = coalesce(decided_at, now())
          WHERE task_id = $1`,
        [decision.taskId, decision.decision, decision.decidedBy, decision.onBehalfOf ?? null, decision.comment ?? null],
      );
    },

    /** Takes an open task off the list: its stage was decided without it. */
    async withdrawTask(taskId: string): Promise<void> {
      await pool.query(`UPDATE human_tasks SET status = 'withdrawn', decided_at = now() WHERE task_id = $1 AND status = 'open'`, [taskId]);
    },
  };
}
