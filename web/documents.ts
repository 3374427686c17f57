import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { Refusal } from './errors';
import type { Authenticate } from './identity';

/**
 * `GET /documents/<key>`, for operators: a document from the store as it was kept — an invoice, a letter, or the
 * screenshot and page a failed robot left as evidence (failure messages name their keys). Documents hold personal
 * data, so only operators may read them.
 */
export const documentRoutes: FastifyPluginAsyncZod<{ pool: Pool; authenticate: Authenticate; operators: string[] }> = async (
  app,
  { pool, authenticate, operators },
) => {
  app.get('/*', { schema: { params: z.object({ '*': z.string().min(1).max(500) }) } }, async (request, reply) => {
    const person = await authenticate(request.headers.authorization);
    if (!operators.includes(person.email))
      throw new Refusal(403, 'not_an_operator', `only operators may read documents; ${person.email} is not one`);
    const key = request.params['*'];
    const { rows } = await pool.query<{ filename: string; content_type: string; content: Buffer }>(
      'SELECT filename, content_type, content FROM documents WHERE document_key = $1',
      [key],
    );
    if (!rows[0]) throw new Refusal(404, 'no_such_document', `no document has the key "${key}"`);
    return reply
      .type(rows[0].content_type)
      .header('content-disposition', `attachment; filename="${rows[0].filename.replace(/[^\w.-]/g, '_')}"`)
      .send(rows[0].content);
  });
};
