import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { JSON_TYPES, STRUCTURED, mediaType, readCloudEvent } from './cloudevent';
import type { AnswerCounts } from './answer-counts';
import type { EventDispatcher } from './dispatch';
import type { IntakeMetrics } from '../metrics';
import { deliveryOf, forgetStaleDeliveries } from './replay-guard';
import { type Sender, checkScope, identifySender } from './senders';

/**
 * `POST /events`: one CloudEvent per request (structured mode, or binary mode from a sender allowed it), signed per
 * Standard Webhooks by one of the configured senders, within that sender's scope, its webhook-id not used before for
 * another request. The body stays the exact bytes sent, because the signature covers them; the raw parser, the
 * signature check and the replay guard belong to this route alone. Nothing is stored for a request that is not a
 * well-formed, signed event its sender may send.
 */
export const eventRoutes: FastifyPluginAsync<{
  dispatcher: EventDispatcher;
  senders: Sender[];
  pool: Pool;
  metrics: IntakeMetrics;
  /** What the alerts count: every answer, and the refusals. */
  answers?: AnswerCounts;
}> = async (app, { dispatcher, senders, pool, metrics, answers }) => {
  const staleDeliveries = forgetStaleDeliveries(pool);
  const eventTypes = new WeakMap<FastifyRequest, string>();
  const signedBy = new WeakMap<FastifyRequest, Sender>();
  app.addHook('onClose', async () => staleDeliveries.stop());
  app.addHook('onResponse', async (request, reply) => {
    metrics.eventAnswered(eventTypes.get(request), reply.statusCode);
    answers?.answered(reply.statusCode);
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(JSON_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.addHook('preHandler', async (request) => {
    signedBy.set(request, identifySender(senders, (request.body as string | undefined) ?? '', request.headers));
  });

  app.post('/', async (request, reply) => {
    const body = request.body as string;
    const cloudEvent = readCloudEvent(request.headers, body);
    eventTypes.set(request, cloudEvent.type);
    const sender = signedBy.get(request)!;
    checkScope(sender, cloudEvent, mediaType(request.headers['content-type']) !== STRUCTURED);
    const checked = dispatcher.check(cloudEvent);
    const accepted = await dispatcher.accept(checked, sender.name, deliveryOf(sender.name, body, request.headers));
    const { event } = checked;
    request.log.info(
      {
        eventType: event.type,
        source: event.source,
        eventId: event.id,
        sender: sender.name,
        workflowId: accepted.workflowId,
        duplicate: Boolean(accepted.duplicate),
      },
      'event accepted',
    );
    return reply.code(accepted.duplicate ? 200 : 202).send(accepted);
  });
};
