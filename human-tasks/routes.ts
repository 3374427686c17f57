import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { TaskList } from '../activities/human-tasks/store';
import { email, plainText } from '../contracts/fields';
import { DecisionInput, DelegationInput } from '../contracts/human-tasks';
import { Refusal } from '../web/errors';
import type { Authenticate } from '../web/identity';
import type { TaskDesk } from './desk';

/**
 * People's tasks across every run, for signed-in people (a bearer token): `GET /tasks` lists your open tasks (an
 * operator may ask for anyone's with `?assignee=`, or `?assignee=*` for all); `POST /tasks/:taskId/decision` delivers
 * your decision to the run as an Update and answers with the run's verdict: 200, or why it was refused;
 * `POST /tasks/:taskId/delegation` hands your task to someone else where the process allows it. Who acts is who
 * signed in, never what the body says.
 */
export const taskRoutes: FastifyPluginAsyncZod<{
  desk: TaskDesk;
  tasks: TaskList;
  authenticate: Authenticate;
  operators: string[];
}> = async (app, { desk, tasks, authenticate, operators }) => {
  app.get('/', { schema: { querystring: z.object({ assignee: z.union([z.literal('*'), email]).optional() }) } }, async (request) => {
    const person = await authenticate(request.headers.authorization);
    const { assignee = person.email } = request.query;
    if (assignee.toLowerCase() !== person.email && !operators.includes(person.email)) {
      throw new Refusal(403, 'not_an_operator', `only operators may list other people's tasks; ${person.email} is not one`);
    }
    return tasks.openTasksOf(assignee);
  });

  const taskParams = z.object({ taskId: plainText(300).min(1) });

  app.post(
    '/:taskId/decision',
    { schema: { params: taskParams, body: DecisionInput.pick({ decision: true, comment: true }) } },
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
