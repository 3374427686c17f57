import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { JSON_TYPES, readCloudEvent } from './cloudevent';
import type { EventDispatcher } from './dispatch';
import { Refusal } from '../errors';
import type { IntakeMetrics } from '../metrics';
import { replayGuard } from './replay-guard';
import { Unauthorized, verifyWebhook } from './webhook-auth';

/**
 * `POST /events`: one CloudEvent per request (structured or binary mode), signed per Standard Webhooks. The body
 * stays the exact bytes sent, because the signature covers them; the raw parser, the signature check and the replay
 * guard belong to this route alone. Nothing is stored for a request that is not a well-formed, signed event.
 */
export const eventRoutes: FastifyPluginAsync<{
  dispatcher: EventDispatcher;
  webhookSecrets: string[];
  pool: Pool;
  metrics: IntakeMetrics;
}> = async (app, { dispatcher, webhookSecrets, pool, metrics }) => {
  const guard = replayGuard(pool);
  const eventTypes = new WeakMap<FastifyRequest, string>();
  app.addHook('onClose', async () => guard.stop());
  app.addHook('onResponse', async (request, reply) => metrics.eventAnswered(eventTypes.get(request), reply.statusCode));
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(JSON_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.addHook('preHandler', async (request) => {
    const body = (request.body as string | undefined) ?? '';
    try {
      verifyWebhook(webhookSecrets, body, request.headers);
    } catch (error) {
      if (error instanceof Unauthorized) throw new Refusal(401, 'unauthorized', error.message);
      throw error;
    }
  });

  app.post('/', async (request, reply) => {
    const body = request.body as string;
    const cloudEvent = readCloudEvent(request.headers, body);
    eventTypes.set(request, cloudEvent.type);
    const checked = dispatcher.check(cloudEvent);
    await guard.admit(String(request.headers['webhook-id']), body, request.headers);
    const accepted = await dispatcher.accept(checked);
    const { event } = checked;
    request.log.info(
      {
        eventType: event.type,
        source: event.source,
        eventId: event.id,
        workflowId: accepted.workflowId,
        duplicate: Boolean(accepted.duplicate),
      },
      'event accepted',
    );
    return reply.code(accepted.duplicate ? 200 : 202).send(accepted);
  });
};
