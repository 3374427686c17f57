import { type Client, WorkflowNotFoundError, isGrpcServiceError } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { plainText } from '../contracts/fields';
import { Refusal } from './errors';
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
        const { workflowId } = request.params;
        const body = request.body as z.infer<z.ZodObject<Extra>> & { reason: string; runId?: string };
        const logged = (detail: Record<string, unknown>) =>
          log.record({ actor: person.email, action, target: workflowId, reason: body.reason, detail });
        try {
          requireRole(person, `${action} runs`, 'operator');
          const handle = client.workflow.getHandle(workflowId, body.runId);
          const { runId, status } = await handle.describe();
          if (action === 'cancel' && status.name !== 'RUNNING')
            throw new Refusal(409, 'run_ended', `${workflowId} ${status.name.toLowerCase()}: only a running run is cancelled`);
          const result = await act({ workflowId, runId }, body, `officeflow operator ${person.email}`);
          await logged(result as Record<string, unknown>);
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

/** gRPC status codes Temporal answers a repair it will not make with. */
const GRPC = { invalidArgument: 3, notFound: 5, failedPrecondition: 9 } as const;

/** What the operator hears: a run that is not there is 404, a repair Temporal will not make 409; else not a refusal. */
function refusalOf(error: unknown, workflowId: string): Refusal | undefined {
  if (error instanceof Refusal) return error;
  if (error instanceof WorkflowNotFoundError || (isGrpcServiceError(error) && error.code === GRPC.notFound))
    return new Refusal(404, 'no_such_run', `no run ${workflowId}${isGrpcServiceError(error) ? ` can take this: ${error.details}` : ''}`);
  if (isGrpcServiceError(error) && (error.code === GRPC.invalidArgument || error.code === GRPC.failedPrecondition))
    return new Refusal(409, 'refused_by_temporal', `Temporal refused it: ${error.details}`);
  return undefined;
}
