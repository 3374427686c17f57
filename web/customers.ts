import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { plainText } from '../contracts/fields';
import type { ProcessDefinition } from '../definitions/define';
import { customerView } from '../insights/customer';
import type { Authenticate } from './identity';
import { requireRole } from './roles';

/** `GET /customers/:customer`: one customer across every process (`insights/customer.ts`), for operators and auditors. */
export const customerRoutes: FastifyPluginAsyncZod<{ pool: Pool; registry: ProcessDefinition[]; authenticate: Authenticate }> = async (
  app,
  { pool, registry, authenticate },
) => {
  const taskQueues = [...new Set(registry.map((process) => process.taskQueue))];
  app.get('/:customer', { schema: { params: z.object({ customer: plainText(200).min(1) }) } }, async (request) => {
    const person = await authenticate(request.headers.authorization);
    requireRole(person, 'see a customer across the processes', 'operator', 'auditor');
    return customerView(pool, request.params.customer, taskQueues);
  });
};
