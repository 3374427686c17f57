import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { plainText } from '../contracts/fields';
import { taskQueuesOf } from '../definitions';
import type { ProcessDefinition } from '../definitions/define';
import { contractView } from '../insights/contract';
import { customerView } from '../insights/customer';
import { employeeView } from '../insights/employee';
import type { Authenticate } from './identity';
import { type Role, ownerOf, requireRole } from './roles';

/**
 * One business object across every process (`insights/customer.ts`, `employee.ts`, `contract.ts`):
 * `GET /customers/:id` for operators and auditors, `GET /employees/:id` also for the owners of hiring and offboarding,
 * `GET /contracts/:id` also for the owners of contract approval.
 */
export const objectViewRoutes: FastifyPluginAsyncZod<{ pool: Pool; registry: ProcessDefinition[]; authenticate: Authenticate }> = async (
  app,
  { pool, registry, authenticate },
) => {
  const taskQueues = taskQueuesOf(registry);
  const views: Array<[path: string, doing: string, roles: Role[], view: (pool: Pool, id: string, queues: string[]) => Promise<object>]> = [
    ['/customers/:id', 'see a customer across the processes', [], customerView],
    ['/employees/:id', 'see an employee across the processes', [ownerOf('hire-to-onboard'), ownerOf('employee-offboarding')], employeeView],
    ['/contracts/:id', 'see a contract across the processes', [ownerOf('contract-approval')], contractView],
  ];
  for (const [path, doing, owners, view] of views)
    app.get(path, { schema: { params: z.object({ id: plainText(200).min(1) }) } }, async (request) => {
      const person = await authenticate(request.headers.authorization);
      requireRole(person, doing, 'operator', 'auditor', ...owners);
      return view(pool, request.params.id, taskQueues);
    });
};
