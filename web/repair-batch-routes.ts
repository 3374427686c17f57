import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { plainText } from '../contracts/fields';
import { Refusal } from './errors';
import type { Authenticate } from './identity';
import type { OperatorLog } from '../db/operator-log';
import { operatorReason } from './operator-log';
import type { RepairBatches } from './repair-batches';
import { MAX_BATCH, selectRuns } from './repair-selection';
import { REPAIR_ACTIONS } from './repairs';
import { requireRole } from './roles';

const selection = z.object({
  action: z.enum(REPAIR_ACTIONS),
  /** The visibility query `officeflow runs` builds from a saved query, a process, a step. */
  query: plainText(4000).min(1),
  failure: plainText(200).min(1).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  toStep: plainText(200).min(1).optional(),
});
const batchParam = z.object({ batchId: plainText(100).min(1) });

/**
 * Batch repairs, for operators: `POST /repairs/preview` shows which runs a selection touches (and which it leaves, and
 * why); `POST /repairs` repairs exactly the runs the operator confirmed, at a bounded rate; `GET /repairs[/:id]` shows
 * progress and each run's outcome; `POST /repairs/:id/stop|resume`. Each batch is in the operator log with who, why
 * and the selection, and each run's repair as if asked for alone.
 */
export const repairBatchRoutes: FastifyPluginAsyncZod<{
  client: Client;
  batches: RepairBatches;
  authenticate: Authenticate;
  log: OperatorLog;
}> = async (app, { client, batches, authenticate, log }) => {
  const operator = async (authorization: string | undefined, doing: string) => {
    const person = await authenticate(authorization);
    requireRole(person, doing, 'operator');
    return person;
  };
  const refuseResetWithoutStep = ({ action, toStep }: z.infer<typeof selection>) => {
    if (action === 'reset' && !toStep) throw new Refusal(400, 'no_step', 'say which step to reset to (toStep)');
  };

  app.post('/preview', { schema: { body: selection } }, async (request) => {
    await operator(request.headers.authorization, 'repair runs');
    refuseResetWithoutStep(request.body);
    const { action, query, failure, since } = request.body;
    return { query, ...(await selectRuns(client, action, { query, failure, since: since ? new Date(since) : undefined })) };
  });

  app.post(
    '/',
    {
      schema: {
        body: selection.extend({
          reason: operatorReason,
          perSecond: z.number().positive().max(50).default(5),
          runs: z
            .array(z.object({ workflowId: plainText(300).min(1), runId: plainText(100).min(1) }))
            .min(1, 'no runs to repair')
            .max(MAX_BATCH),
        }),
      },
    },
    async (request, reply) => {
      const person = await operator(request.headers.authorization, 'repair runs');
      refuseResetWithoutStep(request.body);
      const { action, query, failure, since, toStep, reason, perSecond, runs } = request.body;
      const batch = await batches.create({
        action,
        actor: person.email,
        reason,
        selection: { query, failure, since, toStep },
        perSecond,
        runs,
      });
      await log.record({
        actor: person.email,
        action: `${action}-batch`,
        target: batch.batchId,
        reason,
        detail: { selection: batch.selection, runs: runs.length, perSecond },
      });
      return reply.status(202).send(batch);
    },
  );

  app.get('/', async (request) => {
    const person = await authenticate(request.headers.authorization);
    requireRole(person, 'read repair batches', 'operator', 'auditor');
    return batches.list();
  });

  app.get('/:batchId', { schema: { params: batchParam } }, async (request) => {
    const person = await authenticate(request.headers.authorization);
    requireRole(person, 'read repair batches', 'operator', 'auditor');
    const report = await batches.report(request.params.batchId, true);
    if (!report) throw new Refusal(404, 'no_such_batch', `no repair batch ${request.params.batchId}`);
    return report;
  });

  for (const change of ['stop', 'resume'] as const) {
    app.post(`/:batchId/${change}`, { schema: { params: batchParam, body: z.object({ reason: operatorReason }) } }, async (request) => {
      const person = await operator(request.headers.authorization, `${change} repair batches`);
      const { batchId } = request.params;
      if (!(await batches.report(batchId))) throw new Refusal(404, 'no_such_batch', `no repair batch ${batchId}`);
      if (!(await batches[change](batchId)))
        throw change === 'stop'
          ? new Refusal(409, 'not_running', `${batchId} is not running`)
          : new Refusal(409, 'finished', `${batchId} has finished: every run was tried`);
      await log.record({ actor: person.email, action: `batch-${change}`, target: batchId, reason: request.body.reason });
      return batches.report(batchId);
    });
  }
};
