import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { plainText } from '../contracts/fields';
import type { Authenticate } from './identity';
import type { OperatorLog } from './operator-log';
import { type Run, cancel, resetToStep, retry } from './repairs';
import { requireRole } from './roles';

const workflowIdParam = z.object({ workflowId: plainText(300).min(1) });
/** Why, in the operator's words: kept in the run's history and the operator log. */
const reason = plainText(1000).trim().min(1, 'say why');
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
  const repairRoute = <Extra extends z.ZodRawShape>(
    action: string,
    extra: Extra,
    act: (run: Run, body: z.infer<z.ZodObject<Extra>> & { reason: string }, identity: string) => Promise<object>,
  ) =>
    app.post(
      `/runs/:workflowId/${action}`,
      { schema: { params: workflowIdParam, body: z.object({ reason, runId, ...extra }) } },
      async (request) => {
        const person = await authenticate(request.headers.authorization);
        requireRole(person, `${action} runs`, 'operator');
        const { workflowId } = request.params;
        const body = request.body as z.infer<z.ZodObject<Extra>> & { reason: string; runId?: string };
        const run = { workflowId, runId: body.runId ?? (await client.workflow.getHandle(workflowId).describe()).runId };
        const result = await act(run, body, `officeflow operator ${person.email}`);
        await log.record({
          actor: person.email,
          action,
          target: workflowId,
          reason: body.reason,
          detail: result as Record<string, unknown>,
        });
        return result;
      },
    );

  repairRoute('retry', {}, (run, { reason }, identity) => retry(client, run, reason, identity));
  repairRoute('reset', { toStep: plainText(200).min(1) }, (run, { reason, toStep }, identity) =>
    resetToStep(client, run, toStep, reason, identity),
  );
  repairRoute('cancel', {}, (run, { reason }, identity) => cancel(client, run, reason, identity));

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
