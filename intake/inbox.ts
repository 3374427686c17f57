import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { parseCookie, stringifySetCookie } from 'cookie';
import { SignJWT, jwtVerify } from 'jose';
import type { Pool } from 'pg';
import { z } from 'zod';
import { html } from '../activities/documents/html';
import { email as emailAddress, plainText } from '../contracts/fields';
import type { OutgoingEmail } from '../contracts/documents';
import { Verdict } from '../contracts/human-task';
import { linkKey } from '../human-tasks/decision-links';
import { Refusal } from './errors';
import { type Authenticate, issueToken } from './identity';
import { VERDICT_LABELS, acceptForms, page } from './pages';
import type { TaskDesk } from './task-desk';
import { openTasksOf } from './tasks';

const SESSION_COOKIE = 'officeflow_session';
const SESSION_LIFETIME = '8 hours';
const SIGN_IN_AUDIENCE = 'officeflow-sign-in';

export interface InboxOptions {
  desk: TaskDesk;
  pool: Pool;
  authenticate: Authenticate;
  /** Where people open the pages (links in e-mails), e.g. https://officeflow.example.com */
  publicUrl: string;
  encryptionKeys: string;
  /** officeflow's own token key: it signs people in by e-mailed link. Without it (a company sign-in), a proxy in front sends their token. */
  identityKey?: string;
  audience: string;
  sendEmail?: (mail: OutgoingEmail) => Promise<unknown>;
}

interface OpenTask {
  task_id: string;
  workflow_id: string;
  title: string;
  details: string;
  assignee: string;
  deadline: Date;
  verdicts: Verdict[];
  status: string;
}

const decisionForm = z.object({ decision: Verdict, comment: plainText(2000).optional() });
const delegationForm = z.object({ to: emailAddress, comment: plainText(2000).optional() });
const signInForm = z.object({ email: emailAddress });

const when = (time: Date) => time.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

/**
 * The task inbox for the people who decide (`/inbox`): sign in, see your open tasks with their deadlines and what is
 * overdue, open one to read its facts and the history of its case, and decide with a comment or hand it to someone
 * else. Server-rendered forms, no script; decisions reach the run as the same Update as the task API, so a late or
 * second decision is refused with its reason.
 *
 * Signing in: where officeflow signs its own tokens, a link e-mailed to the address (15 minutes) opens a session
 * (a cookie holding such a token, 8 hours); behind a company sign-in, a proxy in front sends the person's token as
 * `Authorization: Bearer`. Forms post only from officeflow's own pages (a SameSite=Strict cookie, and the Origin checked).
 */
export const inboxPages: FastifyPluginAsync<InboxOptions> = async (app, options) => {
  const { desk, pool, authenticate, publicUrl } = options;
  const linkSecret = linkKey(options.encryptionKeys, 'sign-in links');
  const secure = publicUrl.startsWith('https:');
  acceptForms(app);
  // Without a referrer policy that allows it, the browser sends its forms with `Origin: null`: no way to tell ours.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('referrer-policy', 'same-origin');
  });
  const setSession = (reply: FastifyReply, value: string, maxAge: number) =>
    reply.header(
      'set-cookie',
      stringifySetCookie({ name: SESSION_COOKIE, value, path: '/inbox', httpOnly: true, sameSite: 'strict', secure, maxAge }),
    );

  /** The signed-in person, from the session cookie or a proxy's bearer token; undefined when nobody is. */
  const personOf = async (request: FastifyRequest) => {
    const session = parseCookie(request.headers.cookie ?? '')[SESSION_COOKIE];
    const authorization = session ? `Bearer ${session}` : request.headers.authorization;
    if (!authorization) return undefined;
    return authenticate(authorization).catch(() => undefined);
  };

  const nav = (person: string) =>
    html`<nav aria-label="Account">
      <a href="/inbox">Your tasks</a>
      <form method="post" action="/inbox/sign-out"><span>Signed in as ${person}</span> <button type="submit">Sign out</button></form>
    </nav>`;

  const signInPage = (reply: FastifyReply, status = 200) =>
    page(
      reply,
      status,
      'Sign in to your tasks',
      options.identityKey
        ? html`<form method="post" action="/inbox/sign-in">
            <p><label for="email">Your work e-mail address</label></p>
            <p><input id="email" name="email" type="email" autocomplete="email" required /></p>
            <button type="submit">E-mail me a sign-in link</button>
          </form>`
        : html`<p>Sign in through your company's sign-in page, then open this page again.</p>`,
    );

  /** Refuses a form posted from another site: the browser names the page it came from. */
  const fromOurPages = (request: FastifyRequest) => {
    const origin = request.headers.origin;
    if (origin && origin !== new URL(publicUrl).origin && origin !== `${request.protocol}://${request.host}`)
      throw new Refusal(403, 'cross_site', 'this form may only be sent from officeflow’s own pages');
  };

  app.get('/', async (request, reply) => {
    const person = await personOf(request);
    if (!person) return signInPage(reply);
    const rows = await openTasksOf(pool, person.email);
    const now = Date.now();
    const decided = (request.query as { decided?: string }).decided;
    return page(
      reply,
      200,
      'Your tasks',
      html`${decided ? html`<p role="status">Your decision on ${decided} was recorded.</p>` : html``}
      ${
        rows.length === 0
          ? html`<p>Nothing waits for you.</p>`
          : html`<table>
              <caption>
                ${rows.length} open, ${rows.filter((task) => task.deadline.getTime() < now).length} overdue
              </caption>
              <thead>
                <tr>
                  <th scope="col">Task</th>
                  <th scope="col">Due</th>
                </tr>
              </thead>
              <tbody>
                ${rows.map(
                  (task) =>
                    html`<tr>
                      <td><a href="/inbox/tasks/${encodeURIComponent(task.taskId)}">${task.title}</a></td>
                      <td>${when(task.deadline)}${task.deadline.getTime() < now ? html` <span class="overdue">overdue</span>` : html``}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }`,
      nav(person.email),
    );
  });

  app.post('/sign-in', async (request, reply) => {
    fromOurPages(request);
    const form = signInForm.safeParse(request.body);
    if (!form.success || !options.identityKey || !options.sendEmail) return signInPage(reply, 400);
    const person = form.data.email.toLowerCase();
    // A link goes to people who have had tasks here; the answer is the same either way, so it tells nobody who has.
    const known = await pool.query('SELECT 1 FROM human_tasks WHERE lower(assignee) = $1 LIMIT 1', [person]);
    if (known.rowCount) {
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(person)
        .setAudience(SIGN_IN_AUDIENCE)
        .setExpirationTime('15 minutes')
        .sign(linkSecret);
      await options.sendEmail({
        emailKey: `sign-in/${randomUUID()}`,
        to: person,
        subject: 'Your officeflow sign-in link',
        text: `Open this link within 15 minutes to see your tasks:\n\n${new URL(`/inbox/sign-in/${token}`, publicUrl).href}`,
        attachmentKeys: [],
      });
    }
    return page(reply, 200, 'Check your e-mail', html`<p>If ${person} has tasks here, a sign-in link is on its way.</p>`);
  });

  app.get<{ Params: { token: string } }>('/sign-in/:token', async (request, reply) => {
    const person = await jwtVerify(request.params.token, linkSecret, { audience: SIGN_IN_AUDIENCE, algorithms: ['HS256'] }).then(
      ({ payload }) => payload.sub,
      () => undefined,
    );
    if (!person || !options.identityKey)
      return page(
        reply,
        400,
        'This sign-in link does not work',
        html`<p>It has expired or was changed. <a href="/inbox">Ask for a new one</a>.</p>`,
      );
    const session = await issueToken(options.identityKey, person, options.audience, SESSION_LIFETIME);
    setSession(reply, session, 8 * 3600);
    return reply.redirect('/inbox', 303);
  });

  app.post('/sign-out', async (request, reply) => {
    fromOurPages(request);
    setSession(reply, '', 0);
    return reply.redirect('/inbox', 303);
  });

  /** The person's task, or the page that says why they cannot act on it. */
  const taskFor = async (request: FastifyRequest<{ Params: { taskId: string } }>, reply: FastifyReply) => {
    const person = await personOf(request);
    if (!person) return { refused: signInPage(reply, 401) };
    const { rows } = await pool.query<OpenTask>(
      'SELECT task_id, workflow_id, title, details, assignee, deadline, verdicts, status FROM human_tasks WHERE task_id = $1',
      [request.params.taskId],
    );
    const task = rows[0];
    if (!task || task.assignee.toLowerCase() !== person.email)
      return {
        refused: page(reply, 404, 'No such task of yours', html`<p><a href="/inbox">Back to your tasks</a></p>`, nav(person.email)),
      };
    return { person, task };
  };

  app.get<{ Params: { taskId: string } }>('/tasks/:taskId', async (request, reply) => {
    const { refused, person, task } = await taskFor(request, reply);
    if (refused) return refused;
    const history = await pool.query<{
      title: string;
      assignee: string;
      status: string;
      decision: string | null;
      decided_by: string | null;
      comment: string | null;
      created_at: Date;
      decided_at: Date | null;
    }>(
      `SELECT title, assignee, status, decision, decided_by, comment, created_at, decided_at
         FROM human_tasks WHERE workflow_id = $1 ORDER BY created_at`,
      [task!.workflow_id],
    );
    const overdue = task!.deadline.getTime() < Date.now();
    return page(
      reply,
      200,
      task!.title,
      html`<p>Due ${when(task!.deadline)}${overdue ? html` <span class="overdue">overdue</span>` : html``} · case ${task!.workflow_id}</p>
        <pre>${task!.details}</pre>
        <h2>History of the case</h2>
        <ol>
          ${history.rows.map(
            (entry) =>
              html`<li>
                ${when(entry.created_at)}: ${entry.title}, for ${entry.assignee} —
                ${
                  entry.status === 'decided'
                    ? html`${entry.decision} by ${entry.decided_by}${entry.comment ? html` (“${entry.comment}”)` : html``}`
                    : entry.status
                }
              </li>`,
          )}
        </ol>
        ${
          task!.status === 'open'
            ? html`<h2>Your decision</h2>
                <form method="post" action="/inbox/tasks/${encodeURIComponent(task!.task_id)}/decision">
                  <p><label for="comment">Comment</label></p>
                  <p><textarea id="comment" name="comment" rows="4" maxlength="2000"></textarea></p>
                  ${task!.verdicts.map((verdict) => html`<button type="submit" name="decision" value="${verdict}">${VERDICT_LABELS[verdict]}</button>`)}
                </form>
                <h2>Hand it to someone else</h2>
                <form method="post" action="/inbox/tasks/${encodeURIComponent(task!.task_id)}/delegation">
                  <p><label for="to">Their e-mail address</label></p>
                  <p><input id="to" name="to" type="email" required /></p>
                  <p><label for="delegation-comment">Note for them</label></p>
                  <p><textarea id="delegation-comment" name="comment" rows="2" maxlength="2000"></textarea></p>
                  <button type="submit">Delegate</button>
                </form>`
            : html`<p>This task is ${task!.status}: nothing more to decide.</p>`
        }`,
      nav(person!.email),
    );
  });

  /** Delivers what the person did to the run; a refusal (decided already, not allowed) is shown as a page. */
  const act = async (
    request: FastifyRequest<{ Params: { taskId: string } }>,
    reply: FastifyReply,
    deliver: (person: string) => Promise<unknown>,
  ) => {
    fromOurPages(request);
    const { refused, person } = await taskFor(request, reply);
    if (refused) return refused;
    try {
      await deliver(person!.email);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      return page(
        reply,
        error.status,
        'Not taken',
        html`<p role="alert">${error.message}</p>
          <p><a href="/inbox">Back to your tasks</a></p>`,
        nav(person!.email),
      );
    }
    return reply.redirect(`/inbox?decided=${encodeURIComponent(request.params.taskId)}`, 303);
  };

  app.post<{ Params: { taskId: string } }>('/tasks/:taskId/decision', async (request, reply) => {
    const form = decisionForm.safeParse(request.body);
    if (!form.success) return page(reply, 400, 'Choose a decision', html`<p>Go back and press one of the buttons.</p>`);
    return act(request, reply, (person) => desk.decide(request.params.taskId, { decidedBy: person, ...form.data }));
  });

  app.post<{ Params: { taskId: string } }>('/tasks/:taskId/delegation', async (request, reply) => {
    const form = delegationForm.safeParse(request.body);
    if (!form.success) return page(reply, 400, 'Name who takes it', html`<p>Go back and give their e-mail address.</p>`);
    return act(request, reply, (person) => desk.delegate(request.params.taskId, { delegatedBy: person, ...form.data }));
  });
};
