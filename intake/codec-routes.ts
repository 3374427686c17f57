import type { PayloadCodec } from '@temporalio/common';
import { type JsonPayload, fromJson, toJson } from '../codec/json-payloads';
import type { FastifyInstance } from 'fastify';
import { parseJson } from './errors';

/**
 * The codec endpoint the Temporal UI calls from the operator's browser to show encrypted payloads in the clear
 * (`POST /codec/decode`, `POST /codec/encode`). Only for the local engine: browsers may call it from the UI alone, and
 * a shared deployment puts its codec endpoint behind the company's sign-in instead.
 */
export function registerCodecRoutes(app: FastifyInstance, codec: PayloadCodec, uiUrl: string): void {
  const ui = new URL(uiUrl);
  // The same UI, whether the operator opened it as 127.0.0.1 or as localhost.
  const origins = new Set([ui.origin, `${ui.protocol}//localhost:${ui.port}`, `${ui.protocol}//127.0.0.1:${ui.port}`]);
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/codec/') || !origins.has(request.headers.origin ?? '')) return;
    reply.header('access-control-allow-origin', request.headers.origin);
    reply.header('vary', 'origin');
    reply.header('access-control-allow-methods', 'POST, OPTIONS');
    reply.header('access-control-allow-headers', 'content-type, x-namespace');
    reply.header('access-control-allow-credentials', 'true');
  });
  app.options('/codec/:operation', async (_request, reply) => reply.code(204).send());
  for (const operation of ['encode', 'decode'] as const) {
    app.post<{ Body: string }>(`/codec/${operation}`, async (request) => {
      const { payloads } = parseJson(request.body, 'body') as { payloads: JsonPayload[] };
      return { payloads: (await codec[operation](payloads.map(fromJson))).map(toJson) };
    });
  }
}
