import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { businessKey } from '../contracts/fields';
import { Refusal } from './errors';
import type { Authenticate } from './identity';
import { holds, ownerOf } from './roles';

/**
 * `GET /contracts/:contractId/audit`: every step of a contract's approval, oldest first, from the append-only audit
 * trail (which outlives Temporal's history). It names values, clauses, approvers and their comments, so only
 * operators, auditors, the process's owners and the contract's own participants (its submitter, approvers, delegates)
 * may read it; to anyone else a contract is unknown, so ids cannot be tried one by one.
 */
export const contractRoutes: FastifyPluginAsyncZod<{ pool: Pool; authenticate: Authenticate }> = async (app, { pool, authenticate }) => {
  app.get('/:contractId/audit', { schema: { params: z.object({ contractId: businessKey }) } }, async (request) => {
    const person = await authenticate(request.headers.authorization);
    const { contractId } = request.params;
    const { rows } = await pool.query(
      `SELECT event, actor, on_behalf_of AS "onBehalfOf", document_version AS "documentVersion", detail, recorded_at AS "recordedAt"
         FROM contract_audit WHERE contract_id = $1 ORDER BY position`,
      [contractId],
    );
    const participant = rows.some(({ actor, onBehalfOf }) => [actor, onBehalfOf].some((who) => who?.toLowerCase() === person.email));
    if (rows.length === 0 || !(participant || holds(person, 'operator', 'auditor', ownerOf('contract-approval'))))
      throw new Refusal(404, 'no_such_contract', `no contract you may read has the id "${contractId}"`);
    return rows;
  });
};
