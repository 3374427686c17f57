import type { JWTPayload } from 'jose';
import type { Config } from '../config';
import { type Role, ownerOf } from '../contracts/roles';
import { Refusal } from './errors';

export { type Role, ownerOf };

/** The roles of a person: from configuration by e-mail address, and from the company sign-in's groups claim. */
export type RoleBook = (email: string, claims?: JWTPayload) => Role[];

export function roleBook(config: Config): RoleBook {
  const byEmail = new Map<string, Role[]>();
  const grant = (email: string, role: Role) => byEmail.set(email, [...(byEmail.get(email) ?? []), role]);
  for (const email of config.OFFICEFLOW_OPERATORS) grant(email, 'operator');
  for (const email of config.OFFICEFLOW_AUDITORS) grant(email, 'auditor');
  for (const [process, email] of config.OFFICEFLOW_PROCESS_OWNERS) grant(email, ownerOf(process));
  return (email, claims) => {
    const claimed = claims?.[config.OIDC_ROLES_CLAIM];
    const groups = Array.isArray(claimed) ? claimed.filter((group) => typeof group === 'string') : [];
    const fromGroups = config.OIDC_ROLE_GROUPS.filter(([group]) => groups.includes(group)).map(([, role]) => role);
    return [...new Set([...(byEmail.get(email) ?? []), ...fromGroups])];
  };
}

/** Whether a person holds any of the roles. */
export const holds = (person: { roles: readonly Role[] }, ...roles: Role[]): boolean => roles.some((role) => person.roles.includes(role));

/** Refuses with 403 unless the person holds one of the roles; `doing` says what they tried, e.g. "read documents". */
export function requireRole(person: { email: string; roles: readonly Role[] }, doing: string, ...roles: Role[]): void {
  if (!holds(person, ...roles)) throw new Refusal(403, 'forbidden', `only ${roles.map(roleName).join(' or ')} may ${doing}`);
}

const roleName = (role: Role) => (role.startsWith('owner:') ? `the owners of ${role.slice('owner:'.length)}` : `${role}s`);
