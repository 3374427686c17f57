import type { PayloadCodec } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { z } from 'zod';
import { fromJson, toJson } from '../codec/json-payloads';
import { Refusal } from './errors';
import type { Authenticate } from './identity';
import { httpServer } from './http-server';
import { requireRole } from './roles';

/** Payloads as the Temporal UI sends them: proto3 JSON, bytes in base64. */
const payloadList = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), z.base64()).nullish(), data: z.base64().nullish() })),
});

export interface CodecOptions {
  codec: PayloadCodec;
  /** The Temporal UI that may call it from operators' browsers. */
  uiUrl: string;
  /** The `Host` headers it answers (`hostsOfListener`): under any other name it refuses to decrypt. */
  hosts: string[];
  /** Against a cluster: who is asking, so that only operators decrypt. Unset for the local engine's own UI, on localhost. */
  operatorsOnly?: Authenticate;
}

/**
 * The codec endpoint the Temporal UI calls from the operator's browser to show encrypted payloads in the clear
 * (`POST /codec/decode`, `POST /codec/encode`): it answers only requests addressed to it by its own name, from the
 * configured UI's origin or from no page at all (a program), and against a cluster only operators (a bearer token the
 * UI passes on).
 */
const codecRoutes: FastifyPluginAsyncZod<CodecOptions> = async (app, { codec, uiUrl, hosts, operatorsOnly }) => {
  const ui = new URL(uiUrl);
  // The same UI, whether the operator opened it as 127.0.0.1 or as localhost.
  const origins = new Set([ui.origin, `${ui.protocol}//localhost:${ui.port}`, `${ui.protocol}//127.0.0.1:${ui.port}`]);
  const ownNames = new Set(hosts);
  // Refused, not merely left without CORS: the answer is the plaintext. A page that made its own name resolve here
  // (DNS rebinding) is same-origin under that name, and a page of another origin still has its request answered.
  app.addHook('onRequest', async (request, reply) => {
    if (!ownNames.has(request.headers.host?.toLowerCase() ?? ''))
      throw new Refusal(403, 'unknown_host', `the codec endpoint answers only as ${hosts.join(', ')}`);
    const origin = request.headers.origin;
    if (origin === undefined) return;
    if (!origins.has(origin)) throw new Refusal(403, 'foreign_origin', `only the Temporal UI at ${ui.origin} may call the codec endpoint`);
    reply.header('access-control-allow-origin', origin);
    reply.header('vary', 'origin');
    reply.header('access-control-allow-methods', 'POST, OPTIONS');
    reply.header('access-control-allow-headers', 'authorization, content-type, x-namespace');
    reply.header('access-control-allow-credentials', 'true');
    reply.header('cross-origin-resource-policy', 'cross-origin');
  });
  app.options('/:operation', async (_request, reply) => reply.code(204).send());
  for (const operation of ['encode', 'decode'] as const) {
    app.post(`/${operation}`, { schema: { body: payloadList } }, async (request) => {
      if (operatorsOnly) requireRole(await operatorsOnly(request.headers.authorization), 'decrypt payloads', 'operator');
      try {
        return { payloads: (await codec[operation](request.body.payloads.map(fromJson))).map(toJson) };
      } catch (error) {
        throw new Refusal(400, `cannot_${operation}`, `a payload could not be ${operation}d: ${(error as Error).message}`);
      }
    });
  }
};

/** The codec endpoint as a server of its own, apart from the intake that front-office systems reach. */
export function buildCodecServer(options: CodecOptions, log: Logger): FastifyInstance {
  const app = httpServer(log);
  app.register(codecRoutes, { prefix: '/codec', ...options });
  return app;
}
