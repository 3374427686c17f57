import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { TaskList } from '../activities/human-tasks/store';
import { email, plainText } from '../contracts/fields';
import { DecisionInput, DelegationInput } from '../contracts/human-tasks';
import { Refusal } from '../web/errors';
import type { Authenticate } from '../web/identity';
import { holds, ownerOf } from '../web/roles';
import { processOfRun } from '../definitions';
import type { TaskDesk } from './desk';

/**
 * People's tasks across every run, for signed-in people (a bearer token): `GET /tasks` lists your open tasks (operators
 * and auditors may ask for anyone's with `?assignee=`, or `?assignee=*` for all; a process owner for those of their
 * process); `POST /tasks/:taskId/decision` delivers
 * your decision to the run as an Update and answers with the run's verdict: 200, or why it was refused;
 * `POST /tasks/:taskId/delegation` hands your task to someone else where the process allows it. Who acts is who
 * signed in, never what the body says.
 */
export const taskRoutes: FastifyPluginAsyncZod<{
  desk: TaskDesk;
  tasks: TaskList;
  authenticate: Authenticate;
}> = async (app, { desk, tasks, authenticate }) => {
  app.get('/', { schema: { querystring: z.object({ assignee: z.union([z.literal('*'), email]).optional() }) } }, async (request) => {
    const person = await authenticate(request.headers.authorization);
    const { assignee = person.email } = request.query;
    if (assignee.toLowerCase() === person.email || holds(person, 'operator', 'auditor')) return tasks.openTasksOf(assignee);
    if (!person.roles.some((role) => role.startsWith('owner:')))
      throw new Refusal(403, 'forbidden', "only operators, auditors and process owners may list other people's tasks");
    // A process's owner sees the open tasks of their process, and no other.
    return (await tasks.openTasksOf(assignee)).filter((task) => holds(person, ownerOf(processOfRun(task.workflowId) ?? '')));
  });

  const taskParams = z.object({ taskId: plainText(300).min(1) });

  app.post(
    '/:taskId/decision',
    { schema: { params: taskParams, body: DecisionInput.pick({ decision: true, comment: true, chosen: true }) } },
    async (request) => {
      const person = await authenticate(request.headers.authorization);
      return desk.decide(request.params.taskId, { decidedBy: person.email, ...request.body });
    },
  );

  app.post(
    '/:taskId/delegation',
    { schema: { params: taskParams, body: DelegationInput.pick({ to: true, comment: true }) } },
    async (request) => {
      const person = await authenticate(request.headers.authorization);
      return desk.delegate(request.params.taskId, { delegatedBy: person.email, ...request.body });
    },
  );
};
