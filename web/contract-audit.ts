import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { businessKey } from '../contracts/fields';
import type { Authenticate } from './identity';

/**
 * `GET /contracts/:contractId/audit`, for signed-in people: every step of a contract's approval, oldest first, from
 * the append-only audit trail (which outlives Temporal's history).
 */
export const contractRoutes: FastifyPluginAsyncZod<{ pool: Pool; authenticate: Authenticate }> = async (app, { pool, authenticate }) => {
  app.get('/:contractId/audit', { schema: { params: z.object({ contractId: businessKey }) } }, async (request) => {
    await authenticate(request.headers.authorization);
    const { rows } = await pool.query(
      `SELECT event, actor, on_behalf_of AS "onBehalfOf", document_version AS "documentVersion", detail, recorded_at AS "recordedAt"
         FROM contract_audit WHERE contract_id = $1 ORDER BY position`,
      [request.params.contractId],
    );
    return rows;
  });
};
