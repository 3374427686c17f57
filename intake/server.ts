import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { ProcessDefinition } from '../definitions/define';
import { processCatalog } from './catalog';
import { registerCodecRoutes } from './codec-routes';
import { registerTaskRoutes } from './task-routes';
import { JSON_TYPES, STRUCTURED, mediaType, readCloudEvent } from './cloudevent';
import { EventDispatcher } from './dispatch';
import { Refusal } from './errors';
import { Unauthorized, verifyWebhook } from './webhook-auth';

export interface IntakeDeps {
  client: Client;
  pool: Pool;
  registry: ProcessDefinition[];
  webhookSecrets: string[];
  log: Logger;
  /** The local Temporal UI: serves it a codec endpoint to show encrypted payloads (local engine only). */
  codecForUi?: { codec: PayloadCodec; uiUrl: string };
}

/** Largest event body accepted; larger requests get 413. */
export const MAX_EVENT_BYTES = 1024 * 1024;

/**
 * The front-office event intake: `POST /events` (CloudEvents over HTTP, signed per Standard Webhooks),
 * `GET /processes` (the catalog), `GET /healthz`, and people's tasks (`GET /tasks`, `POST /tasks/:id/decision`).
 */
export function buildIntake({ client, pool, registry, webhookSecrets, log, codecForUi }: IntakeDeps): FastifyInstance {
  const app = Fastify({ loggerInstance: log as FastifyBaseLogger, bodyLimit: MAX_EVENT_BYTES });
  const dispatcher = new EventDispatcher(client, pool, registry);

  // Keep the body as sent: the signature covers the exact bytes, and JSON errors must name the field.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(JSON_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.post('/events', async (request, reply) => {
    const body = request.body as string;
    try {
      verifyWebhook(webhookSecrets, body, request.headers);
    } catch (error) {
      if (error instanceof Unauthorized) throw new Refusal(401, 'unauthorized', error.message);
      throw error;
    }
    const event = readCloudEvent(request.headers, body);
    const accepted = await dispatcher.accept(event);
    request.log.info(
      { eventType: event.type, source: event.source, eventId: event.id, workflowId: accepted.workflowId, duplicate: Boolean(accepted.duplicate) },
      'event accepted',
    );
    return reply.code(accepted.duplicate ? 200 : 202).send(accepted);
  });

  registerTaskRoutes(app, client, pool);
  if (codecForUi) registerCodecRoutes(app, codecForUi.codec, codecForUi.uiUrl);

  app.get('/processes', async () => processCatalog(registry));

  app.get('/healthz', async (_request, reply) => {
    const check = (probe: Promise<unknown>) => probe.then(() => 'ok', (error: Error) => `unreachable: ${error.message}`);
    const [temporal, postgres] = await Promise.all([
      check(client.workflowService.getSystemInfo({})),
      check(pool.query('SELECT 1')),
    ]);
    const healthy = temporal === 'ok' && postgres === 'ok';
    return reply.code(healthy ? 200 : 503).send({ status: healthy ? 'ok' : 'degraded', temporal, postgres });
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (error instanceof Refusal) return reply.code(error.status).send(error.toBody());
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.code(415).send(unsupportedMediaType(request.headers['content-type']));
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: error.code ?? 'bad_request', message: error.message });
    }
    request.log.error({ err: error }, 'event intake failed');
    return reply.code(500).send({ error: 'internal', message: 'the event was not accepted; it is safe to send it again' });
  });

  return app;
}

function unsupportedMediaType(contentType: string | undefined) {
  return {
    error: 'unsupported_media_type',
    message: `Content-Type "${mediaType(contentType) || '(none)'}" is not accepted: send ${STRUCTURED} (structured mode) or application/json with ce-* headers (binary mode)`,
  };
}
