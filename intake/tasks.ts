import { type Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { DecisionInput } from '../contracts/human-task';
import { email, plainText } from '../contracts/fields';
import { TASK_REFUSALS, decideTask, taskName } from '../workflows/human-task';
import { Refusal } from './errors';

const refusalStatus: Record<string, number> = {
  [TASK_REFUSALS.unknown]: 404,
  [TASK_REFUSALS.decided]: 409,
  [TASK_REFUSALS.notAssignee]: 403,
};

/**
 * People's tasks across every run: `GET /tasks?assignee=` lists the open ones; `POST /tasks/:taskId/decision`
 * delivers a decision to the run as an Update and answers with the run's verdict: 200, or why it was refused.
 */
export const taskRoutes: FastifyPluginAsyncZod<{ client: Client; pool: Pool }> = async (app, { client, pool }) => {
  app.get('/', { schema: { querystring: z.object({ assignee: email.optional() }) } }, async (request) => {
    const { rows } = await pool.query(
      `SELECT task_id AS "taskId", workflow_id AS "workflowId", title, details, assignee, deadline, escalated
         FROM human_tasks WHERE status = 'open' AND ($1::text IS NULL OR lower(assignee) = lower($1))
        ORDER BY deadline`,
      [request.query.assignee ?? null],
    );
    return rows;
  });

  app.post(
    '/:taskId/decision',
    { schema: { params: z.object({ taskId: plainText(300).min(1) }), body: DecisionInput.omit({ task: true }) } },
    async (request) => {
      const { taskId } = request.params;
      const { rows } = await pool.query<{ workflow_id: string }>('SELECT workflow_id FROM human_tasks WHERE task_id = $1', [taskId]);
      if (rows.length === 0) throw new Refusal(404, 'unknown_task', `no task "${taskId}"`);
      const workflowId = rows[0].workflow_id;
      try {
        const decided = await client.workflow
          .getHandle(workflowId)
          .executeUpdate(decideTask, { args: [{ task: taskName(taskId, workflowId), ...request.body }] });
        return { taskId, ...decided };
      } catch (error) {
        const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
        if (cause instanceof ApplicationFailure && cause.type && refusalStatus[cause.type]) {
          throw new Refusal(refusalStatus[cause.type], cause.type, cause.message);
        }
        throw error;
      }
    },
  );
};
