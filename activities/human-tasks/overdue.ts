import type { Pool } from 'pg';
import type { OverdueTeam } from '../../contracts/digest';

/** How many overdue tasks one team's digest lists at most; the inbox has the rest. */
const LISTED_PER_TEAM = 200;

/** The open tasks past their deadline, by the team they wait on, for the managers' digest. */
export function overdueTaskActivities(pool: Pool) {
  return {
    async overdueTasksByTeam(): Promise<OverdueTeam[]> {
      const { rows } = await pool.query<{ team: string | null; tasks: OverdueTeam['tasks'] }>(
        `SELECT team, json_agg(json_build_object(
                  'taskId', task_id, 'workflowId', workflow_id, 'title', title, 'assignee', assignee,
                  'deadline', deadline, 'escalated', escalated) ORDER BY deadline) AS tasks
           FROM (SELECT *, row_number() OVER (PARTITION BY team ORDER BY deadline) AS place
                   FROM human_tasks WHERE status = 'open' AND deadline < now()) overdue
          WHERE place <= $1
          GROUP BY team ORDER BY team NULLS LAST`,
        [LISTED_PER_TEAM],
      );
      return rows;
    },
  };
}
