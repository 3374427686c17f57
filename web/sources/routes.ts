import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Authenticate } from '../identity';
import { requireRole } from '../roles';
import { SOURCE_EVENT_OUTCOMES, type SourceEvents } from './source-events';

/**
 * `GET /sources/events`, for operators and auditors: what vendors' webhooks delivered and what became of each event,
 * newest first (`?source=hubspot`, `?outcome=refused`).
 */
export const sourceEventRoutes: FastifyPluginAsyncZod<{ events: SourceEvents; authenticate: Authenticate }> = async (
  app,
  { events, authenticate },
) => {
  app.get(
    '/',
    {
      schema: {
        querystring: z.object({
          source: z
            .string()
            .regex(/^[a-z]+$/)
            .optional(),
          outcome: z.enum(SOURCE_EVENT_OUTCOMES).optional(),
        }),
      },
    },
    async (request) => {
      requireRole(await authenticate(request.headers.authorization), "read vendors' events", 'operator', 'auditor');
      return events.list(request.query);
    },
  );
};
