import { randomUUID } from 'node:crypto';
import path from 'node:path';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import SCIMMY from 'scimmy';
import { keptJson } from '../../infra/state';
import { faultsOnDemand } from '../crm/vendor-stand-in';
import { SCIM } from './connector';

type Resource = Record<string, unknown> & { id: string };

/** One application's directory, as its stand-in keeps it: users and groups, by id. */
interface Directory {
  users: Resource[];
  groups: Resource[];
}

export interface ScimStandInApplication {
  name: string;
  token: string;
  /** Its groups, made when it first starts. */
  groups: string[];
}

export interface ScimStandIn {
  /** Each application's SCIM base URL, by name. */
  urls: Record<string, string>;
  stop(): Promise<void>;
}

/** A request's directory: the handlers SCIMMY calls are told which application they serve. */
interface Context {
  directory: Directory;
  save(): void;
}

let declared = false;
/**
 * The SCIM core resource types, declared once in SCIMMY (a process-wide registry), their handlers reading and writing
 * the directory of the request's application.
 */
function declareResourceTypes(): void {
  if (declared) return;
  declared = true;
  const handlers = (kind: 'users' | 'groups') => ({
    egress: (resource: { id?: string; filter?: { match(values: unknown[]): unknown[] } }, ctx: Context) => {
      const all = ctx.directory[kind];
      if (resource.id) {
        const found = all.find((r) => r.id === resource.id);
        if (!found) throw new SCIMMY.Types.Error(404, null!, `Resource ${resource.id} not found`);
        return found;
      }
      return resource.filter ? resource.filter.match(all) : all;
    },
    ingress: (resource: { id?: string }, instance: Record<string, unknown>, ctx: Context) => {
      const all = ctx.directory[kind];
      const { schemas: _schemas, meta: _meta, ...data } = JSON.parse(JSON.stringify(instance)) as Record<string, unknown>;
      if (kind === 'users') {
        const taken = all.find((r) => r.id !== resource.id && String(r.userName).toLowerCase() === String(data.userName).toLowerCase());
        if (taken) throw new SCIMMY.Types.Error(409, 'uniqueness', `userName "${String(data.userName)}" is already taken`);
      }
      const stored: Resource = { ...data, id: resource.id ?? randomUUID() };
      const at = all.findIndex((r) => r.id === stored.id);
      if (at >= 0) all[at] = stored;
      else all.push(stored);
      ctx.save();
      return stored;
    },
  });
  const users = handlers('users');
  const groups = handlers('groups');
  SCIMMY.Resources.declare(SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false) as typeof SCIMMY.Resources.User)
    .egress(users.egress as never)
    .ingress(users.ingress as never);
  SCIMMY.Resources.declare(SCIMMY.Resources.Group)
    .egress(groups.egress as never)
    .ingress(groups.ingress as never);
}

/**
 * SCIM 2.0 service providers standing in for a company's applications (a chat, a code host), one base URL each
 * (`/<application>/scim/v2`), served with SCIMMY's implementation of the protocol (RFC 7643/7644): Users and Groups
 * (list with a filter, read, create, PATCH), the SCIM error schema, a bearer token per application. Each keeps its
 * directory in a JSON file of the state folder.
 */
export async function startScimStandIn(options: {
  dir: string;
  port: number;
  host?: string;
  applications: ScimStandInApplication[];
}): Promise<ScimStandIn> {
  declareResourceTypes();
  const directories = new Map(
    options.applications.map((application) => {
      const kept = keptJson<Directory>(path.join(options.dir, `scim-${application.name}.json`), { users: [], groups: [] });
      for (const group of application.groups)
        if (!kept.value.groups.some((g) => g.displayName === group))
          kept.value.groups.push({ id: randomUUID(), displayName: group, members: [] });
      kept.save();
      return [application.name, { application, context: { directory: kept.value, save: kept.save } }];
    }),
  );

  const app = Fastify();
  app.addContentTypeParser(['application/scim+json', 'application/json'], { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, body ? JSON.parse(body as string) : {});
    } catch (error) {
      done(error as Error);
    }
  });
  const fault = faultsOnDemand(app);

  type Params = { application: string; resource: 'Users' | 'Groups'; id?: string };
  /** Answers a SCIM operation on the application's directory, in SCIM's media type; a failure in SCIM's error schema. */
  const serve =
    (
      operation: (type: typeof SCIMMY.Resources.User, request: FastifyRequest<{ Params: Params }>, ctx: Context) => Promise<unknown>,
      created = false,
    ) =>
    async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
      const served = directories.get(request.params.application);
      if (!served) return reply.code(404).send({ error: 'no such application' });
      reply.type(SCIM.contentType);
      if (request.headers.authorization !== `Bearer ${served.application.token}`)
        return reply.code(401).send({ schemas: [SCIM.error], status: '401', detail: 'a valid bearer token is required' });
      const now = fault();
      if (now)
        return reply
          .code(now.status)
          .header('retry-after', String(now.retryAfterSeconds))
          .send({ schemas: [SCIM.error], status: String(now.status) });
      const type = (request.params.resource === 'Users' ? SCIMMY.Resources.User : SCIMMY.Resources.Group) as typeof SCIMMY.Resources.User;
      try {
        const result = await operation(type, request, served.context);
        return reply.code(created ? 201 : 200).send(JSON.parse(JSON.stringify(result)));
      } catch (error) {
        const response = new SCIMMY.Messages.ErrorResponse(error as Error);
        return reply.code(Number(response.status)).send(JSON.parse(JSON.stringify(response)));
      }
    };

  const base = '/:application/scim/v2/:resource';
  app.get(
    base,
    serve((type, request, ctx) => {
      const { filter } = request.query as { filter?: string };
      // SCIMMY takes the query's parameters in place of an id.
      return new type((filter ? { filter } : {}) as never).read(ctx);
    }),
  );
  app.get(
    `${base}/:id`,
    serve((type, request, ctx) => new type(request.params.id).read(ctx)),
  );
  app.post(
    base,
    serve((type, request, ctx) => new type().write(request.body, ctx), true),
  );
  app.patch(
    `${base}/:id`,
    serve((type, request, ctx) => new type(request.params.id).patch(request.body as never, ctx)),
  );

  const url = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port });
  return {
    urls: Object.fromEntries(options.applications.map((application) => [application.name, `${url}/${application.name}/scim/v2`])),
    stop: () => app.close(),
  };
}
