import helmet from '@fastify/helmet';
import Fastify, {
  type FastifyBaseLogger,
  LogController,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { hasZodFastifySchemaValidationErrors, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { STRUCTURED, mediaType } from './events/cloudevent';
import { Refusal, clip } from './errors';

/** Largest request body accepted; larger requests get 413. */
export const MAX_EVENT_BYTES = 1024 * 1024;

/** An HTTP server officeflow exposes: limits and timeouts every one of them has, and one way of answering errors. */
export function httpServer(log: Logger, trustProxyHops = 0): FastifyInstance {
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    // Behind a load balancer the client's address (rate limit, logs) comes from X-Forwarded-For, trusted this many hops.
    trustProxy: (_address: string, hop: number) => hop < trustProxyHops,
    bodyLimit: MAX_EVENT_BYTES,
    // The tokens of one-click links travel in the path.
    routerOptions: { maxParamLength: 1000 },
    // A client gets 10 s to send its request and 30 s for the whole exchange: slow senders hold no socket for long.
    connectionTimeout: 30_000,
    requestTimeout: 10_000,
    keepAliveTimeout: 5_000,
    // Requests are logged below, at debug level and by route: a raw path may carry a one-click link's token.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug(
      { method: request.method, route: request.routeOptions.url ?? 'unknown', status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(answerError);
  app.register(helmet);
  return app;
}

/** Every refusal as `{error, message, fields?}`; a failure of officeflow's own as 500 without details. */
function answerError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof Refusal) return reply.code(error.status).send(error.toBody());
  if (hasZodFastifySchemaValidationErrors(error)) {
    const fields = error.validation.map((issue) => ({
      field: [error.validationContext, ...issue.instancePath.split('/').filter(Boolean)].join('.'),
      message: issue.message ?? 'is not valid',
    }));
    return reply.code(400).send(new Refusal(400, 'invalid_request', 'the request is not valid', fields).toBody());
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.code(415).send(unsupportedMediaType(request.headers['content-type']));
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return reply.code(error.statusCode).send({ error: error.code ?? 'bad_request', message: clip(error.message, 500) });
  }
  if (backendAwayForAWhile(error)) {
    request.log.warn({ err: error }, 'a backend is unavailable');
    return reply
      .code(503)
      .header('retry-after', '5')
      .send({ error: 'unavailable', message: 'officeflow cannot reach its database or Temporal just now; send the request again shortly' });
  }
  request.log.error({ err: error }, 'request failed');
  return reply.code(500).send({ error: 'internal', message: 'the request was not handled; it is safe to send it again' });
}

/** Network errors, PostgreSQL's "connection" and "shutting down" classes (08, 57P), gRPC's UNAVAILABLE and DEADLINE_EXCEEDED. */
const UNAVAILABLE = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|08...|57P0[1-3])$/;
const GRPC_UNAVAILABLE = [14, 4];

/**
 * Whether a request failed for a reason that passes, not because of the request: PostgreSQL or Temporal away for a
 * while (a restart), or a run recovering from a failed workflow task (a worker lost mid-task) when a decision reaches it.
 */
function backendAwayForAWhile(error: unknown): boolean {
  for (
    let cause = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
    cause;
    cause = cause.cause as typeof cause
  ) {
    if (typeof cause.code === 'string' && UNAVAILABLE.test(cause.code)) return true;
    if (typeof cause.code === 'number' && GRPC_UNAVAILABLE.includes(cause.code)) return true;
    if (typeof cause.message === 'string' && /Connection terminated|connection timeout|Workflow Task in failed state/i.test(cause.message))
      return true;
  }
  return false;
}

function unsupportedMediaType(contentType: string | undefined) {
  return {
    error: 'unsupported_media_type',
    message: `Content-Type "${clip(mediaType(contentType)) || '(none)'}" is not accepted: send ${STRUCTURED} (structured mode) or application/json with ce-* headers (binary mode)`,
  };
}
