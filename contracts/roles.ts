import { z } from 'zod';

/**
 * What a person may do beyond their own tasks: an operator repairs runs and reads documents, an auditor reads audit
 * trails and decisions and changes nothing, a process's owner reads its runs' trails and open tasks. Everyone signed
 * in is an approver of the tasks assigned to them.
 */
export type Role = 'operator' | 'auditor' | `owner:${string}`;

export const ROLE = z
  .string()
  .regex(/^(operator|auditor|owner:[a-z0-9-]+)$/, 'a role is operator, auditor or owner:<process>')
  .transform((role) => role as Role);

export const ownerOf = (process: string): Role => `owner:${process}`;
