import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { plainText } from '../contracts/fields';
import type { Authenticate } from './identity';
import type { OperatorLog } from '../db/operator-log';
import { operatorReason } from './operator-log';
import { type RepairAction, refusalOf, repair } from './repairs';
import { requireRole } from './roles';

const workflowIdParam = z.object({ workflowId: plainText(300).min(1) });
/** The run to act on, as the CLI found it; without it, the workflow id's newest run. */
const runId = plainText(100).min(1).optional();

/**
 * `POST /runs/:workflowId/retry|reset|cancel`, for operators: repairs of a run (see repairs.ts), each with a reason,
 * recorded in Temporal under the operator's name and appended to the operator log. `GET /operator-actions`, for
 * auditors and operators: that log, newest first.
 */
export const runRepairRoutes: FastifyPluginAsyncZod<{ client: Client; authenticate: Authenticate; log: OperatorLog }> = async (
  app,
  { client, authenticate, log },
) => {
  /** A repair's route: the operator asking, the run they mean (its newest run unless they say), the repair, the log. */
  const repairRoute = <Extra extends z.ZodRawShape>(action: RepairAction, extra: Extra) =>
    app.post(
      `/runs/:workflowId/${action}`,
      { schema: { params: workflowIdParam, body: z.object({ reason: operatorReason, runId, ...extra }) } },
      async (request) => {
        const person = await authenticate(request.headers.authorization);
        const { workflowId } = request.params;
        const body = request.body as { reason: string; runId?: string; toStep?: string };
        const logged = (detail: Record<string, unknown>) =>
          log.record({ actor: person.email, action, target: workflowId, reason: body.reason, detail });
        try {
          requireRole(person, `${action} runs`, 'operator');
          const result = await repair(client, action, { workflowId, runId: body.runId }, body, `officeflow operator ${person.email}`);
          await logged(result);
          return result;
        } catch (error) {
          const refusal = refusalOf(error, workflowId);
          if (!refusal) throw error;
          // A refused attempt is kept too: auditors see who tried what, not only what was done.
          await logged({ refused: refusal.status, error: refusal.code, message: refusal.message });
          throw refusal;
        }
      },
    );

  repairRoute('retry', {});
  repairRoute('reset', { toStep: plainText(200).min(1) });
  repairRoute('cancel', {});

  app.get(
    '/operator-actions',
    { schema: { querystring: z.object({ since: z.iso.datetime({ offset: true }).optional(), actor: z.email().optional() }) } },
    async (request) => {
      const person = await authenticate(request.headers.authorization);
      requireRole(person, 'read the operator log', 'auditor', 'operator');
      const { since, actor } = request.query;
      return log.list({ since: since ? new Date(since) : undefined, actor: actor?.toLowerCase() });
    },
  );
};
