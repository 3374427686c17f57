import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { email } from '../contracts/fields';
import type { Authenticate } from '../web/identity';
import type { OperatorLog } from '../db/operator-log';
import { operatorReason } from '../web/operator-log';
import { requireRole } from '../web/roles';
import type { InboxSessions } from './sessions';

/**
 * The inbox's sessions, for operators: `GET /inbox-sessions` lists who is signed in (`?person=` for one person), and
 * `POST /inbox-sessions/end` signs a person out everywhere (a lost laptop, someone who left), with a reason kept in the
 * operator log.
 */
export const sessionRoutes: FastifyPluginAsyncZod<{ sessions: InboxSessions; authenticate: Authenticate; log: OperatorLog }> = async (
  app,
  { sessions, authenticate, log },
) => {
  app.get('/', { schema: { querystring: z.object({ person: email.optional() }) } }, async (request) => {
    requireRole(await authenticate(request.headers.authorization), 'list inbox sessions', 'operator');
    return sessions.openSessions(request.query.person);
  });

  app.post('/end', { schema: { body: z.object({ person: email, reason: operatorReason }) } }, async (request) => {
    const operator = await authenticate(request.headers.authorization);
    const { person, reason } = request.body;
    const logged = (detail: Record<string, unknown>) =>
      log.record({ actor: operator.email, action: 'sessions-ended', target: person.toLowerCase(), reason, detail });
    try {
      requireRole(operator, 'end inbox sessions', 'operator');
    } catch (refusal) {
      // Kept as refused repairs are: auditors see who tried.
      await logged({ refused: 403 });
      throw refusal;
    }
    const ended = await sessions.endAllOf(person);
    await logged({ ended });
    return { person, ended };
  });
};
