import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { readDocument } from '../activities/documents/store';
import { Refusal } from './errors';
import type { Authenticate } from './identity';
import type { OperatorLog } from '../db/operator-log';
import { requireRole } from './roles';

/**
 * `GET /documents/<key>`, for operators: a document from the store as it was kept — an invoice, a letter, or the
 * screenshot and page a failed robot left as evidence (failure messages name their keys). Documents hold personal
 * data, so only operators may read them, and each reading is in the operator log.
 */
export const documentRoutes: FastifyPluginAsyncZod<{ pool: Pool; authenticate: Authenticate; log: OperatorLog }> = async (
  app,
  { pool, authenticate, log },
) => {
  app.get('/*', { schema: { params: z.object({ '*': z.string().min(1).max(500) }) } }, async (request, reply) => {
    const person = await authenticate(request.headers.authorization);
    requireRole(person, 'read documents', 'operator');
    const key = request.params['*'];
    const document = await readDocument(pool, key);
    if (!document) throw new Refusal(404, 'no_such_document', `no document has the key "${key}"`);
    await log.record({ actor: person.email, action: 'document-read', target: key });
    return reply
      .type(document.contentType)
      .header('content-disposition', `attachment; filename="${document.filename.replace(/[^\w.-]/g, '_')}"`)
      .send(document.content);
  });
};
