import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { parseCookie, stringifySetCookie } from 'cookie';
import { z } from 'zod';
import { html } from '../activities/documents/html';
import { email as emailAddress, plainText } from '../contracts/fields';
import type { OutgoingEmail } from '../contracts/documents';
import { processOfRun, processes } from '../definitions';
import { Refusal } from '../web/errors';
import type { Authenticate } from '../web/identity';
import type { InsightsOf } from '../web/insights';
import type { Role } from '../web/roles';
import { insightPages } from './insight-pages';
import { DecisionForm, VERDICT_LABELS, acceptForms, decisionFields, page } from './pages';
import type { TaskList } from '../activities/human-tasks/store';
import type { TaskDesk } from './desk';
import { type InboxSessions, SESSION_HOURS } from './sessions';
import { LINK_LIFETIME, signInLinks } from './sign-in-links';
import { DUE_WINDOWS, type DueWindow, LANGUAGES, Reader, TIME_ZONES, readerCookie, readerOf, timeWriter, within } from './time';

const SESSION_COOKIE = 'officeflow_session';

export interface InboxOptions {
  desk: TaskDesk;
  tasks: TaskList;
  sessions: InboxSessions;
  authenticate: Authenticate;
  /** Where people open the pages (links in e-mails), e.g. https://officeflow.example.com */
  publicUrl: string;
  encryptionKeys: string;
  /** Whether officeflow signs people in itself, by e-mailed link; behind a company sign-in, a proxy in front sends their token. */
  ownSignIn: boolean;
  sendEmail?: (mail: OutgoingEmail) => Promise<unknown>;
  /** The roles of a person signed in by session: officeflow's own sign-in gives roles by e-mail address only. */
  rolesOf: (email: string) => Role[];
  /** The process insights, for the owners, operators and auditors among the signed-in (`/inbox/insights`). */
  insights: InsightsOf;
}

const delegationForm = z.object({ to: emailAddress, comment: plainText(2000).optional() });
const signInForm = z.object({ email: emailAddress });

/** A process's name as people read it: `order-to-cash` is "Order to cash". */
const processLabel = (name: string) => name[0].toUpperCase() + name.slice(1).replaceAll('-', ' ');

const DUE_LABELS: Record<DueWindow, string> = { today: 'Today', 'this-week': 'This week' };

/** What the task list may be narrowed to, as the filter form sends it (a field left at "any" is sent empty). */
const listQuery = z
  .object({
    process: z.enum(
      processes.map((process) => process.name),
      { error: (issue) => `“${String(issue.input)}” is not a process officeflow runs (choose one from the list)` },
    ),
    due: z.enum(DUE_WINDOWS, { error: (issue) => `“${String(issue.input)}” is not a due date to filter by (choose today or this week)` }),
    overdue: z.literal('on', { error: (issue) => `“${String(issue.input)}” is not a value of overdue only (tick the box or leave it)` }),
    /** The task the person just decided, by id: its decision is read back from the task list. */
    decided: plainText(300),
  })
  .partial();
type ListQuery = z.infer<typeof listQuery>;

/** Whether a task passes the filters; due dates are days on the reader's calendar. */
const matching = ({ process, due, overdue }: ListQuery, timeZone: string, now: Date) => {
  const dueWithin = due && within(due, timeZone, now);
  return (task: { workflowId: string; deadline: Date }) =>
    (!process || processOfRun(task.workflowId) === process) &&
    (!dueWithin || dueWithin(task.deadline)) &&
    (!overdue || task.deadline < now);
};

/** A deadline's state as a badge: overdue, or due today on the reader's calendar; nothing when it is later. */
const dueBadge = (deadline: Date, now: Date, today: (moment: Date) => boolean) =>
  deadline < now
    ? html` <span class="badge overdue">Overdue</span>`
    : today(deadline)
      ? html` <span class="badge today">Due today</span>`
      : html``;

const option = (value: string, label: string, chosen: string | undefined, lang?: string) =>
  html`<option value="${value}" ${value === chosen ? html` selected` : html``}${lang ? html` lang="${lang}"` : html``}>${label}</option>`;

/**
 * The task inbox for the people who decide (`/inbox`): sign in, see your open tasks with their deadlines and what is
 * overdue, open one to read its facts and the history of its case, and decide with a comment or hand it to someone
 * else. Server-rendered forms, no script; decisions reach the run as the same Update as the task API, so a late or
 * second decision is refused with its reason.
 *
 * Signing in: where officeflow signs its own tokens, a link e-mailed to the address (15 minutes, once) opens a session
 * (8 hours, kept in the database: the cookie holds only a random id, which is no token for the task API, and signing
 * out ends it); behind a company sign-in, a proxy in front sends the person's token as `Authorization: Bearer`. Forms
 * post only from officeflow's own pages (a SameSite=Strict cookie, and the Origin checked).
 */
export const inboxPages: FastifyPluginAsync<InboxOptions> = async (app, options) => {
  const { desk, tasks, sessions, authenticate, publicUrl } = options;
  const links = signInLinks(options.encryptionKeys, publicUrl);
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

  const sessionOf = (request: FastifyRequest) => parseCookie(request.headers.cookie ?? '')[SESSION_COOKIE];

  /** The signed-in person, from an open session or a proxy's bearer token; undefined when nobody is. */
  const personOf = async (request: FastifyRequest) => {
    const session = sessionOf(request);
    const email = session && (await sessions.personOf(session));
    if (email) return { email, roles: options.rolesOf(email) };
    if (!request.headers.authorization) return undefined;
    return authenticate(request.headers.authorization).catch(() => undefined);
  };

  const nav = (person: string) =>
    html`<nav aria-label="Account">
      <a href="/inbox">Your tasks</a>
      <a href="/inbox/profile">Time and language</a>
      <a href="/inbox/insights">Process insights</a>
      <form method="post" action="/inbox/sign-out">
        <span class="person">Signed in as ${person}</span> <button type="submit">Sign out</button>
      </form>
    </nav>`;

  const signInPage = (reply: FastifyReply, status = 200) =>
    page(
      reply,
      status,
      'Sign in to your tasks',
      options.ownSignIn
        ? html`<form class="card" method="post" action="/inbox/sign-in">
            <div class="field">
              <label for="email">Your work e-mail address</label>
              <input id="email" name="email" type="email" autocomplete="email" required />
            </div>
            <div class="actions"><button type="submit" class="primary">E-mail me a sign-in link</button></div>
          </form>`
        : html`<p>Sign in through your company's sign-in page, then open this page again.</p>`,
    );

  /** Refuses a form posted from another site: the browser names the page it came from. */
  const fromOurPages = (request: FastifyRequest) => {
    const origin = request.headers.origin;
    if (origin && origin !== new URL(publicUrl).origin && origin !== `${request.protocol}://${request.host}`)
      throw new Refusal(403, 'cross_site', 'this form may only be sent from officeflow’s own pages');
  };

  /** The filters over the task list: a plain GET form, so a filtered list is a link like any other. */
  const filterForm = ({ process, due, overdue }: ListQuery) =>
    html`<form class="filters" method="get" action="/inbox" role="search" aria-label="Filter your tasks">
      <div class="field">
        <label for="process">Process</label>
        <select id="process" name="process">
          ${option('', 'All processes', process ?? '')} ${processes.map(({ name }) => option(name, processLabel(name), process))}
        </select>
      </div>
      <div class="field">
        <label for="due">Due</label>
        <select id="due" name="due">
          ${option('', 'Any day', due ?? '')} ${Object.entries(DUE_LABELS).map(([value, label]) => option(value, label, due))}
        </select>
      </div>
      <div class="field check">
        <input id="overdue" name="overdue" type="checkbox" value="on" ${overdue ? html` checked` : html``} />
        <label for="overdue">Overdue only</label>
      </div>
      <div class="actions"><button type="submit">Filter</button> <a href="/inbox">Show all</a></div>
    </form>`;

  /** What the person decided on the task they just acted on, as the task list recorded it; nothing for anyone else's task. */
  const decisionNotice = async (taskId: string | undefined, person: string) => {
    const task = taskId ? await tasks.task(taskId) : undefined;
    if (!task?.decision || task.assignee.toLowerCase() !== person) return html``;
    return html`<p role="status">Your decision on ${task.taskId} was recorded: ${VERDICT_LABELS[task.decision]}, ${task.title}.</p>`;
  };

  app.get('/', async (request, reply) => {
    const person = await personOf(request);
    if (!person) return signInPage(reply);
    const reader = readerOf(request);
    // The form sends a filter left at "any" as an empty field: the same as not sending it.
    const query = listQuery.safeParse(Object.fromEntries(Object.entries(request.query as object).filter(([, value]) => value !== '')));
    const filters = query.success ? query.data : {};
    const notice = await decisionNotice(filters.decided, person.email);
    const open = await tasks.openTasksOf(person.email);
    const now = new Date();
    const shown = open.filter(matching(filters, reader.timeZone, now));
    const filtered = shown.length < open.length;
    const at = timeWriter(reader);
    const today = within('today', reader.timeZone, now);
    return page(
      reply,
      query.success ? 200 : 400,
      'Your tasks',
      html`${notice}
        ${query.success ? html`` : html`<p role="alert">This filter cannot be used: ${query.error.issues.map((issue) => issue.message).join('; ')}.</p>`}
        ${open.length > 0 || !query.success ? filterForm(filters) : html``}
        <p class="muted">Times are in ${reader.timeZone}. <a href="/inbox/profile">Change time zone or language</a></p>
        ${
          open.length === 0
            ? html`<p class="card">Nothing waits for you.</p>`
            : shown.length === 0
              ? html`<p class="card">No task of yours matches these filters. <a href="/inbox">Show all your tasks</a></p>`
              : html`<table>
                  <caption>
                    ${shown.length} open, ${shown.filter((task) => task.deadline < now).length}
                    overdue${filtered ? html` (${open.length} open in all)` : html``}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Task</th>
                      <th scope="col">Due</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${shown.map((task) => {
                      const process = processOfRun(task.workflowId);
                      return html`<tr>
                        <td>
                          <a href="/inbox/tasks/${encodeURIComponent(task.taskId)}">${task.title}</a>
                          ${process ? html`<span class="task-process">${processLabel(process)}</span>` : html``}
                        </td>
                        <td class="due">${at(task.deadline)}${dueBadge(task.deadline, now, today)}</td>
                      </tr>`;
                    })}
                  </tbody>
                </table>`
        }`,
      nav(person.email),
    );
  });

  /** The reader's time zone and language, chosen from lists: what every time on these pages is written in. */
  const profilePage = (reply: FastifyReply, status: number, person: string, reader: Reader, refusal?: string) => {
    const languages = LANGUAGES.includes(reader.language) ? LANGUAGES : [reader.language, ...LANGUAGES];
    return page(
      reply,
      status,
      'Time and language',
      html`${refusal ? html`<p role="alert">Not saved: ${refusal}.</p>` : html``}
        <form class="card" method="post" action="/inbox/profile">
          <div class="field">
            <label for="timeZone">Time zone</label>
            <select id="timeZone" name="timeZone">
              ${TIME_ZONES.map((zone) => option(zone, zone, reader.timeZone))}
            </select>
          </div>
          <div class="field">
            <label for="language">Language of dates and times</label>
            <select id="language" name="language" aria-describedby="language-hint">
              ${languages.map((tag) => option(tag, new Intl.DisplayNames(tag, { type: 'language' }).of(tag) ?? tag, reader.language, tag))}
            </select>
            <p class="hint" id="language-hint">Until you choose, dates follow your browser’s language, and times are in UTC.</p>
          </div>
          <div class="actions"><button type="submit" class="primary">Save</button> <a href="/inbox">Back to your tasks</a></div>
        </form>`,
      nav(person),
    );
  };

  insightPages(app, { insights: options.insights, processes: processes.map((process) => process.name), personOf, nav }, (reply) =>
    signInPage(reply, 401),
  );

  app.get('/profile', async (request, reply) => {
    const person = await personOf(request);
    if (!person) return signInPage(reply, 401);
    return profilePage(reply, 200, person.email, readerOf(request));
  });

  app.post('/profile', async (request, reply) => {
    fromOurPages(request);
    const person = await personOf(request);
    if (!person) return signInPage(reply, 401);
    const form = Reader.safeParse(request.body);
    if (!form.success)
      return profilePage(reply, 400, person.email, readerOf(request), form.error.issues.map((issue) => issue.message).join('; '));
    reply.header('set-cookie', readerCookie(form.data, '/inbox', secure));
    return reply.redirect('/inbox', 303);
  });

  /** E-mails a sign-in link to a person who has had tasks here, unless the address had its share of links of late. */
  const mailSignInLink = async (person: string, sendEmail: (mail: OutgoingEmail) => Promise<unknown>) => {
    if (!(await sessions.mayMailSignInLink(person)) || !(await tasks.hasHadTasks(person))) return;
    await sendEmail({
      emailKey: `sign-in/${randomUUID()}`,
      to: person,
      subject: 'Your officeflow sign-in link',
      text: `Open this link within ${LINK_LIFETIME} to see your tasks:\n\n${await links.url(person)}`,
      attachmentKeys: [],
    });
  };

  app.post('/sign-in', async (request, reply) => {
    fromOurPages(request);
    const form = signInForm.safeParse(request.body);
    if (!form.success || !options.ownSignIn || !options.sendEmail) return signInPage(reply, 400);
    const person = form.data.email.toLowerCase();
    // The same answer, as soon, whether a link goes out or not (no tasks here, too many asked for): it tells nobody who
    // has tasks. So it does not wait for the mail.
    mailSignInLink(person, options.sendEmail).catch((error: unknown) => request.log.error({ err: error }, 'a sign-in link was not sent'));
    return page(reply, 200, 'Check your e-mail', html`<p>If ${person} has tasks here, a sign-in link is on its way.</p>`);
  });

  const linkRefused = (reply: FastifyReply) =>
    page(
      reply,
      400,
      'This sign-in link does not work',
      html`<p>It was used already, has expired or was changed. <a href="/inbox">Ask for a new one</a>.</p>`,
    );

  // Opening the link only asks: mail scanners and link previews open links too, and must not spend it. The button
  // posts it back, and that signs in.
  app.get<{ Params: { token: string } }>('/sign-in/:token', async (request, reply) => {
    const link = options.ownSignIn ? await links.read(request.params.token) : undefined;
    if (!link || (await sessions.linkSpent(link))) return linkRefused(reply);
    return page(
      reply,
      200,
      'Sign in to your tasks',
      html`<form class="card" method="post" action="/inbox/sign-in/${request.params.token}">
        <p>Sign in as ${link.person}?</p>
        <div class="actions"><button type="submit" class="primary">Sign in</button></div>
      </form>`,
    );
  });

  app.post<{ Params: { token: string } }>('/sign-in/:token', async (request, reply) => {
    fromOurPages(request);
    const link = options.ownSignIn ? await links.read(request.params.token) : undefined;
    const session = link && (await sessions.open(link));
    if (!session) return linkRefused(reply);
    setSession(reply, session, SESSION_HOURS * 3600);
    return reply.redirect('/inbox', 303);
  });

  app.post('/sign-out', async (request, reply) => {
    fromOurPages(request);
    const session = sessionOf(request);
    if (session) await sessions.end(session);
    setSession(reply, '', 0);
    return reply.redirect('/inbox', 303);
  });

  /** The person's task, or the page that says why they cannot act on it. */
  const taskFor = async (request: FastifyRequest<{ Params: { taskId: string } }>, reply: FastifyReply) => {
    const person = await personOf(request);
    if (!person) return { refused: signInPage(reply, 401) };
    const task = await tasks.task(request.params.taskId);
    if (!task || task.assignee.toLowerCase() !== person.email)
      return {
        refused: page(reply, 404, 'No such task of yours', html`<p><a href="/inbox">Back to your tasks</a></p>`, nav(person.email)),
      };
    return { person, task };
  };

  app.get<{ Params: { taskId: string } }>('/tasks/:taskId', async (request, reply) => {
    const { refused, person, task } = await taskFor(request, reply);
    if (refused) return refused;
    const history = await tasks.historyOf(task!.workflowId);
    const reader = readerOf(request);
    const at = timeWriter(reader);
    const now = new Date();
    const process = processOfRun(task!.workflowId);
    return page(
      reply,
      200,
      task!.title,
      html`<p class="meta">
          <span>Due ${at(task!.deadline)}${dueBadge(task!.deadline, now, within('today', reader.timeZone, now))}</span>
          <span>${process ? html`${processLabel(process)} · ` : html``}case ${task!.workflowId}</span>
        </p>
        <div class="card"><pre>${task!.details}</pre></div>
        <h2>History of the case</h2>
        <ol class="timeline">
          ${history.map(
            (entry) =>
              html`<li>
                ${at(entry.createdAt)} ${entry.title}, for ${entry.assignee} —
                ${
                  entry.status === 'decided'
                    ? html`${entry.decision} by ${entry.decidedBy}${entry.comment ? html` (“${entry.comment}”)` : html``}`
                    : entry.status
                }
              </li>`,
          )}
        </ol>
        ${
          task!.status === 'open'
            ? html`<h2>Your decision</h2>
                <form class="card" method="post" action="/inbox/tasks/${encodeURIComponent(task!.taskId)}/decision">
                  ${decisionFields(task!.verdicts, task!.choices)}
                </form>
                <h2>Hand it to someone else</h2>
                <form class="card" method="post" action="/inbox/tasks/${encodeURIComponent(task!.taskId)}/delegation">
                  <div class="field">
                    <label for="to">Their e-mail address</label>
                    <input id="to" name="to" type="email" required />
                  </div>
                  <div class="field">
                    <label for="delegation-comment">Note for them</label>
                    <textarea id="delegation-comment" name="comment" rows="2" maxlength="2000"></textarea>
                  </div>
                  <div class="actions"><button type="submit">Delegate</button></div>
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
    done: string,
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
    return reply.redirect(done, 303);
  };

  app.post<{ Params: { taskId: string } }>('/tasks/:taskId/decision', async (request, reply) => {
    const form = DecisionForm.safeParse(request.body);
    if (!form.success) return page(reply, 400, 'Choose a decision', html`<p>Go back and press one of the buttons.</p>`);
    return act(
      request,
      reply,
      (person) => desk.decide(request.params.taskId, { decidedBy: person, ...form.data }),
      `/inbox?decided=${encodeURIComponent(request.params.taskId)}`,
    );
  });

  app.post<{ Params: { taskId: string } }>('/tasks/:taskId/delegation', async (request, reply) => {
    const form = delegationForm.safeParse(request.body);
    if (!form.success) return page(reply, 400, 'Name who takes it', html`<p>Go back and give their e-mail address.</p>`);
    // Handed on, the task leaves the person's list: that is the answer.
    return act(request, reply, (person) => desk.delegate(request.params.taskId, { delegatedBy: person, ...form.data }), '/inbox');
  });
};
