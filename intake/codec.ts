import type { PayloadCodec } from '@temporalio/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fromJson, toJson } from '../codec/json-payloads';
import { Refusal } from './errors';

/** Payloads as the Temporal UI sends them: proto3 JSON, bytes in base64. */
const payloadList = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), z.base64()).nullish(), data: z.base64().nullish() })),
});

/**
 * The codec endpoint the Temporal UI calls from the operator's browser to show encrypted payloads in the clear
 * (`POST /codec/decode`, `POST /codec/encode`). Only for the local engine: browsers may call it from the UI alone, and
 * a shared deployment puts its codec endpoint behind the company's sign-in instead.
 */
export const codecRoutes: FastifyPluginAsyncZod<{ codec: PayloadCodec; uiUrl: string }> = async (app, { codec, uiUrl }) => {
  const ui = new URL(uiUrl);
  // The same UI, whether the operator opened it as 127.0.0.1 or as localhost.
  const origins = new Set([ui.origin, `${ui.protocol}//localhost:${ui.port}`, `${ui.protocol}//127.0.0.1:${ui.port}`]);
  app.addHook('onRequest', async (request, reply) => {
    if (!origins.has(request.headers.origin ?? '')) return;
    reply.header('access-control-allow-origin', request.headers.origin);
    reply.header('vary', 'origin');
    reply.header('access-control-allow-methods', 'POST, OPTIONS');
    reply.header('access-control-allow-headers', 'content-type, x-namespace');
    reply.header('access-control-allow-credentials', 'true');
  });
  app.options('/:operation', async (_request, reply) => reply.code(204).send());
  for (const operation of ['encode', 'decode'] as const) {
    app.post(`/${operation}`, { schema: { body: payloadList } }, async (request) => {
      try {
        return { payloads: (await codec[operation](request.body.payloads.map(fromJson))).map(toJson) };
      } catch (error) {
        throw new Refusal(400, `cannot_${operation}`, `a payload could not be ${operation}d: ${(error as Error).message}`);
      }
    });
  }
};
