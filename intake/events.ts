import type { FastifyPluginAsync } from 'fastify';
import { JSON_TYPES, readCloudEvent } from './cloudevent';
import type { EventDispatcher } from './dispatch';
import { Refusal } from './errors';
import { Unauthorized, verifyWebhook } from './webhook-auth';

/**
 * `POST /events`: one CloudEvent per request (structured or binary mode), signed per Standard Webhooks. The body
 * stays the exact bytes sent, because the signature covers them; both the raw parser and the signature check
 * belong to this route alone.
 */
export const eventRoutes: FastifyPluginAsync<{ dispatcher: EventDispatcher; webhookSecrets: string[] }> = async (
  app,
  { dispatcher, webhookSecrets },
) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(JSON_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.addHook('preHandler', async (request) => {
    try {
      verifyWebhook(webhookSecrets, (request.body as string | undefined) ?? '', request.headers);
    } catch (error) {
      if (error instanceof Unauthorized) throw new Refusal(401, 'unauthorized', error.message);
      throw error;
    }
  });

  app.post('/', async (request, reply) => {
    const event = readCloudEvent(request.headers, request.body as string);
    const accepted = await dispatcher.accept(event);
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
