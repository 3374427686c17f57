import type { Pool } from 'pg';
import { DEFAULT_VERDICTS, type TaskChoice, type TaskDecisionRecord, type TaskRecord, type Verdict } from '../../contracts/human-tasks';

/**
 * The task list: every run's human tasks in PostgreSQL (`human_tasks`), the one place that table is written and read.
 * The runs write it through these activities, each keyed by the task id, so retries are harmless.
 */
export function taskListActivities(pool: Pool) {
  return {
    async openTask(task: TaskRecord): Promise<void> {
      await pool.query(
        `INSERT INTO human_tasks (task_id, workflow_id, title, details, assignee, deadline, verdicts, comment_required_for, team, choices)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (task_id) DO NOTHING`,
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
          task.choices ? JSON.stringify(task.choices) : null,
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
        `UPDATE human_tasks SET status = 'decided', decision = $2, decided_by = $3, on_behalf_of = $4, comment = $5, chosen = $6,
                decided_at = coalesce(decided_at, now())
          WHERE task_id = $1`,
        [
          decision.taskId,
          decision.decision,
          decision.decidedBy,
          decision.onBehalfOf ?? null,
          decision.comment ?? null,
          decision.chosen ?? null,
        ],
      );
    },

    /** Takes an open task off the list: its stage was decided without it. */
    async withdrawTask(taskId: string): Promise<void> {
      await pool.query(`UPDATE human_tasks SET status = 'withdrawn', decided_at = now() WHERE task_id = $1 AND status = 'open'`, [taskId]);
    },
  };
}

/** A task as the task list keeps it, for the pages and the task API. */
export interface ListedTask {
  taskId: string;
  workflowId: string;
  title: string;
  details: string;
  assignee: string;
  deadline: Date;
  escalated: boolean;
  verdicts: Verdict[];
  commentRequiredFor: Verdict[];
  /** What the assignee chooses among when approving, if the task offers choices. */
  choices: TaskChoice[] | null;
  status: 'open' | 'decided' | 'withdrawn';
  decision: Verdict | null;
}

/** A task of a run's history: who, what, when, with which comment. */
export interface TaskHistoryEntry {
  title: string;
  assignee: string;
  status: string;
  decision: string | null;
  decidedBy: string | null;
  comment: string | null;
  createdAt: Date;
  decidedAt: Date | null;
}

const LISTED = `task_id AS "taskId", workflow_id AS "workflowId", title, details, assignee, deadline, escalated, verdicts,
  comment_required_for AS "commentRequiredFor", choices, status, decision`;

/** What people and operators read of the task list: the task API, the inbox, one-click pages, the metrics. */
export function taskList(pool: Pool) {
  return {
    /** The open tasks of a person (`*`: everyone's), soonest due first. */
    async openTasksOf(assignee: string): Promise<ListedTask[]> {
      const { rows } = await pool.query<ListedTask>(
        `SELECT ${LISTED} FROM human_tasks WHERE status = 'open' AND ($1 = '*' OR lower(assignee) = lower($1)) ORDER BY deadline`,
        [assignee],
      );
      return rows;
    },

    async task(taskId: string): Promise<ListedTask | undefined> {
      return (await pool.query<ListedTask>(`SELECT ${LISTED} FROM human_tasks WHERE task_id = $1`, [taskId])).rows[0];
    },

    /** Every task of a run, oldest first. */
    async historyOf(workflowId: string): Promise<TaskHistoryEntry[]> {
      const { rows } = await pool.query<TaskHistoryEntry>(
        `SELECT title, assignee, status, decision, decided_by AS "decidedBy", comment, created_at AS "createdAt", decided_at AS "decidedAt"
           FROM human_tasks WHERE workflow_id = $1 ORDER BY created_at`,
        [workflowId],
      );
      return rows;
    },

    /** Whether a person has ever had a task here (who may get a sign-in link). */
    async hasHadTasks(person: string): Promise<boolean> {
      return Boolean((await pool.query('SELECT 1 FROM human_tasks WHERE lower(assignee) = lower($1) LIMIT 1', [person])).rowCount);
    },

    /** Open tasks and those past their deadline, per team. */
    async countsByTeam(): Promise<Array<{ team: string; open: number; overdue: number }>> {
      const { rows } = await pool.query<{ team: string; open: number; overdue: number }>(
        `SELECT coalesce(team, 'unknown') AS team, count(*)::int AS open, count(*) FILTER (WHERE deadline < now())::int AS overdue
           FROM human_tasks WHERE status = 'open' GROUP BY 1`,
      );
      return rows;
    },
  };
}

export type TaskList = ReturnType<typeof taskList>;
