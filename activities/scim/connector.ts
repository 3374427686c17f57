import { ApplicationFailure } from '@temporalio/common';
import type { ScimUserRequest } from '../../contracts/hire';

/** SCIM 2.0's schema URNs (RFC 7643 §8.7, RFC 7644 §3.5.2, §3.12). */
export const SCIM = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  contentType: 'application/scim+json',
} as const;

/** Where an application's SCIM service provider is, and its bearer token. */
export interface ScimEndpoint {
  baseUrl: string;
  token: string;
}

interface ScimUser {
  id: string;
  externalId?: string;
  userName: string;
  active?: boolean;
}
interface ScimList<T> {
  totalResults: number;
  Resources?: T[];
}

/** A filter's string value, quoted as RFC 7644 §3.4.2.2 writes JSON strings. */
const quoted = (value: string) => JSON.stringify(value);

/**
 * A SCIM 2.0 client for one application (RFC 7644): its error schema read as clear failures naming the application and
 * the attribute (`409 uniqueness`, `400 invalidValue`), which a retry cannot mend; a limit (429) or an outage (5xx)
 * is retried by Temporal.
 */
function scimClient(application: string, { baseUrl, token }: ScimEndpoint) {
  return async function call<T>(method: string, path: string, body?: object): Promise<{ status: number; body: T }> {
    const url = `${baseUrl.replace(/\/$/, '')}${path}`;
    const response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: SCIM.contentType, ...(body ? { 'content-type': SCIM.contentType } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    }).catch((error: Error) => {
      throw ApplicationFailure.create({ message: `${application} (SCIM) is not reachable: ${error.message}`, type: 'ScimUnavailable' });
    });
    const text = await response.text();
    type Answer = T & { scimType?: string; detail?: string };
    let parsed = {} as Answer;
    try {
      if (text) parsed = JSON.parse(text) as Answer;
    } catch {
      // Not SCIM (a proxy's HTML error page): its status decides, below.
      if (response.ok)
        throw ApplicationFailure.nonRetryable(
          `${application} answered ${method} ${path.split('?')[0]} with something other than SCIM`,
          'ScimRefused',
        );
    }
    if (response.ok) return { status: response.status, body: parsed };
    const message = `${application} refused ${method} ${path.split('?')[0]}: ${response.status}${parsed.scimType ? ` ${parsed.scimType}` : ''}${parsed.detail ? `: ${parsed.detail}` : ''}`;
    if (response.status === 429 || response.status >= 500) throw ApplicationFailure.create({ message, type: 'ScimUnavailable' });
    throw ApplicationFailure.nonRetryable(message, response.status === 409 ? 'ScimConflict' : 'ScimRefused');
  };
}

/**
 * Accounts in applications that speak SCIM 2.0, by the application's name: a user created once per employee (found
 * again by `externalId`, the employee number, before any create, so a retried step never makes a second), added to the
 * role's groups, and deactivated, never deleted, when the hire is undone.
 */
export function scimActivities(endpoints: Record<string, ScimEndpoint>) {
  const clientOf = (application: string) => {
    const endpoint = endpoints[application];
    if (!endpoint)
      throw ApplicationFailure.nonRetryable(`no SCIM address is configured for ${application} (SCIM_APPLICATION_URLS)`, 'ScimRefused');
    return scimClient(application, endpoint);
  };
  const byEmployee = async (call: ReturnType<typeof scimClient>, employeeNumber: string) =>
    (await call<ScimList<ScimUser>>('GET', `/Users?filter=${encodeURIComponent(`externalId eq ${quoted(employeeNumber)}`)}`)).body
      .Resources?.[0];

  return {
    async provisionScimUser(request: ScimUserRequest): Promise<{ application: string; userId: string; created: boolean }> {
      const { application, employeeNumber } = request;
      const call = clientOf(application);
      let user = await byEmployee(call, employeeNumber);
      const created = !user;
      if (!user) {
        const resource = {
          schemas: [SCIM.user, ...(request.department ? [SCIM.enterpriseUser] : [])],
          externalId: employeeNumber,
          userName: request.userName,
          active: true,
          ...(request.name ? { name: request.name, displayName: request.name.formatted } : {}),
          ...(request.workEmail ? { emails: [{ value: request.workEmail, type: 'work', primary: true }] } : {}),
          ...(request.title ? { title: request.title } : {}),
          ...(request.department ? { [SCIM.enterpriseUser]: { department: request.department, employeeNumber } } : {}),
        };
        user = (await call<ScimUser>('POST', '/Users', resource)).body;
      } else if (user.active === false) {
        await call('PATCH', `/Users/${user.id}`, { schemas: [SCIM.patchOp], Operations: [{ op: 'replace', path: 'active', value: true }] });
      }
      for (const group of request.groups) {
        const found = await call<ScimList<{ id: string; members?: Array<{ value: string }> }>>(
          'GET',
          `/Groups?filter=${encodeURIComponent(`displayName eq ${quoted(group)}`)}`,
        );
        const target = found.body.Resources?.[0];
        if (!target) throw ApplicationFailure.nonRetryable(`${application} has no group "${group}"`, 'ScimRefused');
        if (target.members?.some((member) => member.value === user.id)) continue;
        await call('PATCH', `/Groups/${target.id}`, {
          schemas: [SCIM.patchOp],
          Operations: [{ op: 'add', path: 'members', value: [{ value: user.id }] }],
        });
      }
      return { application, userId: user.id, created };
    },

    /** Deactivates the employee's user (`active` false), keeping it and its history; none there is nothing to do. */
    async deactivateScimUser({ application, employeeNumber }: { application: string; employeeNumber: string }): Promise<boolean> {
      const call = clientOf(application);
      const user = await byEmployee(call, employeeNumber);
      if (!user) return false;
      if (user.active !== false)
        await call('PATCH', `/Users/${user.id}`, {
          schemas: [SCIM.patchOp],
          Operations: [{ op: 'replace', path: 'active', value: false }],
        });
      return true;
    },
  };
}
