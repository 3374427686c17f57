import { type Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { z } from 'zod';
import { TASK_REFUSALS, decideTask, taskName } from '../workflows/human-task';
import { Refusal, fieldErrors, parseJson } from './errors';

const decisionBody = z.object({
  decidedBy: z.email('must be the e-mail address of the person deciding'),
  decision: z.enum(['approve', 'reject']),
  comment: z.string().max(2000).optional(),
});

const refusalStatus: Record<string, number> = {
  [TASK_REFUSALS.unknown]: 404,
  [TASK_REFUSALS.decided]: 409,
  [TASK_REFUSALS.notAssignee]: 403,
};

/**
 * People's tasks across every run: `GET /tasks?assignee=` lists the open ones; `POST /tasks/:taskId/decision`
 * delivers a decision to the run as an Update and answers with the run's verdict: 200, or why it was refused.
 */
export function registerTaskRoutes(app: FastifyInstance, client: Client, pool: Pool): void {
  app.get<{ Querystring: { assignee?: string } }>('/tasks', async (request) => {
    const { rows } = await pool.query(
      `SELECT task_id AS "taskId", workflow_id AS "workflowId", title, details, assignee, deadline, escalated
         FROM human_tasks WHERE status = 'open' AND ($1::text IS NULL OR lower(assignee) = lower($1))
        ORDER BY deadline`,
      [request.query.assignee ?? null],
    );
    return rows;
  });

  app.post<{ Params: { taskId: string }; Body: string }>('/tasks/:taskId/decision', async (request) => {
    const parsed = decisionBody.safeParse(parseJson(request.body, 'body'));
    if (!parsed.success) throw new Refusal(400, 'invalid_decision', 'the decision is not valid', fieldErrors(parsed.error, ''));
    const { rows } = await pool.query<{ workflow_id: string }>('SELECT workflow_id FROM human_tasks WHERE task_id = $1', [
      request.params.taskId,
    ]);
    if (rows.length === 0) throw new Refusal(404, 'unknown_task', `no task "${request.params.taskId}"`);
    const workflowId = rows[0].workflow_id;
    const task = taskName(request.params.taskId, workflowId);
    try {
      const decided = await client.workflow.getHandle(workflowId).executeUpdate(decideTask, { args: [{ task, ...parsed.data }] });
      return { taskId: request.params.taskId, ...decided };
    } catch (error) {
      const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
      if (cause instanceof ApplicationFailure && cause.type && refusalStatus[cause.type]) {
        throw new Refusal(refusalStatus[cause.type], cause.type, cause.message);
      }
      throw error;
    }
  });
}
