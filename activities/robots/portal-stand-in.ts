import { randomBytes, randomInt } from 'node:crypto';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { keptJson } from '../../infra/state';

/** How a stand-in portal behaves: the rough edges robots meet on real legacy portals. */
export interface PortalStandInOptions {
  dir: string;
  port: number;
  host?: string;
  user: string;
  password: string;
  /** How long the page after saving takes, as the real one does. */
  slowPageMs: number;
  /** Share of requests that fail as a real portal's do now and then: a 502, or a page that never loads. */
  failureRate: number;
  /** A session ends after this long; the next page is the sign-in page. */
  sessionSeconds: number;
}

export interface RunningPortal {
  url: string;
  stop(): Promise<void>;
}

/** A 502, a page that never loads, or the session ended as the request arrives (the sign-in page instead). */
type Fault = 'bad-gateway' | 'never-loads' | 'session-ends';

const escape = (value: unknown) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Server-rendered pieces of a portal page, with labels and roles as an accessible (or a robot's) reader finds them. */
export const markup = {
  escape,
  field: (label: string, name: string, value = '', type = 'text') =>
    `<p><label for="${name}">${escape(label)}</label> <input id="${name}" name="${name}" type="${type}" value="${escape(value)}"></p>`,
  select: (label: string, name: string, options: string[], value = '') =>
    `<p><label for="${name}">${escape(label)}</label> <select id="${name}" name="${name}">${options
      .map((option) => `<option${option === value ? ' selected' : ''}>${escape(option)}</option>`)
      .join('')}</select></p>`,
  button: (label: string) => `<p><button type="submit">${escape(label)}</button></p>`,
  alerts: (messages: string[]) => messages.map((message) => `<p role="alert" class="error">${escape(message)}</p>`).join(''),
  /** A value the portal generated, labelled so that it can be read back. */
  output: (label: string, name: string, value: string) =>
    `<p><label for="${name}">${escape(label)}</label> <output id="${name}">${escape(value)}</output></p>`,
  table: (caption: string, headers: string[], rows: string[][]) =>
    `<table><caption>${escape(caption)}</caption><thead><tr>${headers.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead><tbody>${rows
      .map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`,
};

/** What a portal's own pages get from the scaffold. */
export interface PortalKit<Records> {
  app: FastifyInstance;
  /** The portal's records, kept in its folder across restarts. */
  records: Records;
  save(): void;
  /** Sends a whole page of the portal. */
  page(reply: FastifyReply, title: string, body: string, status?: number): FastifyReply;
  /** The portal's deliberate slowness after a save. */
  slowly(): Promise<void>;
  /**
   * `POST <route>/:id/<action>` (a button on a record's page, e.g. "Disable account"): sets the status of the record
   * `find` finds, then shows its page again.
   */
  setsStatus<R extends { status: string }>(route: string, action: string, find: (id: string) => R | undefined, status: R['status']): void;
}

/**
 * A stand-in for a web portal that has no API, as officeflow's robots meet one: server-rendered pages behind a
 * sign-in whose sessions expire, forms that answer with validation messages, a slow page after saving, and now and
 * then a 502 or a page that never loads. `POST /standin/faults` makes the next requests fail on purpose (tests; a
 * session that ends mid-form too): with
 * `match`, only requests whose address or form holds that text, so tests sharing a portal do not take each other's.
 * Each portal adds its own pages through `routes`.
 */
export async function startPortalStandIn<Records extends object>(
  portal: { title: string; file: string; initial: Records; home: string },
  options: PortalStandInOptions,
  routes: (kit: PortalKit<Records>) => void,
): Promise<RunningPortal> {
  const { value: records, save } = keptJson<Records>(path.join(options.dir, portal.file), portal.initial);
  const sessions = new Map<string, number>();
  const planned: Array<{ kind: Fault; match?: string }> = [];
  const sessionOf = (request: FastifyRequest) => /session=(\w+)/.exec(request.headers.cookie ?? '')?.[1] ?? '';
  const signedIn = (request: FastifyRequest) => {
    const expires = sessions.get(sessionOf(request));
    return expires !== undefined && expires > Date.now();
  };

  // Open connections are closed on stop: a page that never loads must not hold the stand-in open.
  const app = Fastify({ forceCloseConnections: true });
  const page = (reply: FastifyReply, title: string, body: string, status = 200) =>
    reply
      .code(status)
      .type('text/html')
      .send(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)} - ${escape(portal.title)}</title>` +
          `<style>body{font-family:Verdana,sans-serif;font-size:12px;background:#d4d0c8}.error{color:#a00}table{border-collapse:collapse}td,th{border:1px solid #888;padding:2px 6px}</style>` +
          `</head><body><h1>${escape(portal.title)} &mdash; ${escape(title)}</h1>${body}</body></html>`,
      );

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  app.post<{ Body: { count?: number; kind?: Fault; match?: string } }>('/standin/faults', async (request) => {
    const { kind = 'bad-gateway', match } = request.body;
    const count = Math.min(Number(request.body.count ?? 1), 1000);
    // Planned anew for this match (or for every request, without one).
    const others = planned.filter((fault) => fault.match !== match);
    planned.splice(0, planned.length, ...others, ...Array.from({ length: count }, () => ({ kind, match })));
    return { planned: planned.length };
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/standin/') && !request.url.startsWith('/login') && !signedIn(request)) return reply.redirect('/login');
  });
  // After the form is read, so a fault can be meant for one record's requests.
  app.addHook('preHandler', async (request, reply) => {
    if (request.url.startsWith('/standin/')) return;
    const seen = `${request.url} ${request.body && typeof request.body === 'object' ? Object.values(request.body).join(' ') : ''}`;
    const index = planned.findIndex((fault) => !fault.match || seen.includes(fault.match));
    const fault =
      index >= 0
        ? planned.splice(index, 1)[0].kind
        : Math.random() < options.failureRate
          ? (['bad-gateway', 'never-loads'] as const)[randomInt(2)]
          : undefined;
    if (fault === 'bad-gateway') return page(reply, 'Bad Gateway', '<p>The server is temporarily unavailable.</p>', 502);
    if (fault === 'never-loads') return new Promise<never>(() => undefined);
    if (fault === 'session-ends') {
      sessions.delete(sessionOf(request));
      return reply.redirect('/login');
    }
  });

  const signInForm = (messages: string[] = []) =>
    `${markup.alerts(messages)}<form method="post" action="/login">${markup.field('User', 'user')}${markup.field('Password', 'password', '', 'password')}${markup.button('Sign in')}</form>`;
  app.get('/login', async (_request, reply) => page(reply, 'Sign in', signInForm()));
  app.post<{ Body: Record<string, string> }>('/login', async (request, reply) => {
    if (request.body.user !== options.user || request.body.password !== options.password) {
      return page(reply, 'Sign in', signInForm(['Invalid user name or password.']), 401);
    }
    const session = randomBytes(16).toString('hex');
    sessions.set(session, Date.now() + options.sessionSeconds * 1000);
    return reply.header('set-cookie', `session=${session}; HttpOnly; Path=/`).redirect(portal.home);
  });

  const setsStatus: PortalKit<Records>['setsStatus'] = (route, action, find, status) =>
    void app.post<{ Params: { id: string } }>(`${route}/:id/${action}`, async (request, reply) => {
      const record = find(request.params.id);
      if (record) {
        record.status = status;
        save();
      }
      return reply.redirect(`${route}/${request.params.id}`);
    });
  routes({ app, records, save, page, setsStatus, slowly: () => new Promise((resolve) => setTimeout(resolve, options.slowPageMs)) });

  const url = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port });
  return { url, stop: () => app.close() };
}
