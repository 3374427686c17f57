import { type Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { email, plainText } from '../contracts/fields';
import { DecisionInput, DelegationInput } from '../contracts/human-task';
import { TASK_REFUSALS, decideTask, delegateTask, taskName } from '../workflows/human-task';
import { Refusal } from './errors';
import type { Authenticate } from './identity';

const refusalStatus: Record<string, number> = {
  [TASK_REFUSALS.unknown]: 404,
  [TASK_REFUSALS.decided]: 409,
  [TASK_REFUSALS.notAssignee]: 403,
};

/**
 * People's tasks across every run, for signed-in people (a bearer token): `GET /tasks` lists your open tasks (an
 * operator may ask for anyone's with `?assignee=`, or `?assignee=*` for all); `POST /tasks/:taskId/decision` delivers
 * your decision to the run as an Update and answers with the run's verdict: 200, or why it was refused;
 * `POST /tasks/:taskId/delegation` hands your task to someone else where the process allows it. Who acts is who
 * signed in, never what the body says.
 */
export const taskRoutes: FastifyPluginAsyncZod<{ client: Client; pool: Pool; authenticate: Authenticate; operators: string[] }> = async (
  app,
  { client, pool, authenticate, operators },
) => {
  app.get('/', { schema: { querystring: z.object({ assignee: z.union([z.literal('*'), email]).optional() }) } }, async (request) => {
    const person = await authenticate(request.headers.authorization);
    const { assignee = person.email } = request.query;
    if (assignee.toLowerCase() !== person.email && !operators.includes(person.email)) {
      throw new Refusal(403, 'not_an_operator', `only operators may list other people's tasks; ${person.email} is not one`);
    }
    const { rows } = await pool.query(
      `SELECT task_id AS "taskId", workflow_id AS "workflowId", title, details, assignee, deadline, escalated
         FROM human_tasks WHERE status = 'open' AND ($1 = '*' OR lower(assignee) = lower($1))
        ORDER BY deadline`,
      [assignee],
    );
    return rows;
  });

  /** The run a task belongs to, and the task's name within it; 404 for an unknown task. */
  const runOf = async (taskId: string) => {
    const { rows } = await pool.query<{ workflow_id: string }>('SELECT workflow_id FROM human_tasks WHERE task_id = $1', [taskId]);
    if (rows.length === 0) throw new Refusal(404, 'unknown_task', `no task "${taskId}"`);
    return { handle: client.workflow.getHandle(rows[0].workflow_id), task: taskName(taskId, rows[0].workflow_id) };
  };

  const taskParams = z.object({ taskId: plainText(300).min(1) });

  app.post(
    '/:taskId/decision',
    { schema: { params: taskParams, body: DecisionInput.pick({ decision: true, comment: true }) } },
    async (request) => {
      const person = await authenticate(request.headers.authorization);
      const { handle, task } = await runOf(request.params.taskId);
      const decided = await delivered(handle.executeUpdate(decideTask, { args: [{ task, decidedBy: person.email, ...request.body }] }));
      return { taskId: request.params.taskId, ...decided };
    },
  );

  app.post(
    '/:taskId/delegation',
    { schema: { params: taskParams, body: DelegationInput.pick({ to: true, comment: true }) } },
    async (request) => {
      const person = await authenticate(request.headers.authorization);
      const { handle, task } = await runOf(request.params.taskId);
      const delegated = await delivered(
        handle.executeUpdate(delegateTask, { args: [{ task, delegatedBy: person.email, ...request.body }] }),
      );
      return { taskId: request.params.taskId, ...delegated };
    },
  );
};

/** The run's answer to an update, its refusals as 404, 409 or 403. */
async function delivered<T>(update: Promise<T>): Promise<T> {
  try {
    return await update;
  } catch (error) {
    const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
    if (cause instanceof ApplicationFailure) {
      throw new Refusal((cause.type && refusalStatus[cause.type]) || 400, cause.type ?? 'refused', cause.message);
    }
    throw error;
  }
}
