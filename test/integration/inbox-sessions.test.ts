import { TEST_AUDITOR, TEST_OPERATOR, type TestEngine, eventually, mailTo, startTestEngine, uniqueId } from '../support/engine';
import { inboxSessions } from '../../human-tasks/sessions';
import { officeflowCli } from '../support/cli';

/**
 * The inbox's sign-in over real HTTP, as a browser sends it: links that work once, sessions kept server-side that
 * signing out (or an operator) ends, a cookie that is no API token, sign-in e-mails throttled per address, and a
 * decision notice read from the task list rather than from the address bar.
 */
let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine.stop();
});

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const inbox = (path: string) => `${engine.intakeUrl}/inbox${path}`;

/** A task of the person's on the task list (the runs write it so): who has had one may get a sign-in link. */
async function taskOf(person: string, decision?: 'approve' | 'reject') {
  const task = { taskId: `${uniqueId('case')}:approval`, title: `${uniqueId('purchase')} of €1,200.00` };
  await engine.pool.query(
    `INSERT INTO human_tasks (task_id, workflow_id, title, details, assignee, deadline, status, decision, decided_by)
     VALUES ($1, $2, $3, 'details', $4, now() + interval '1 day', $5, $6, $7)`,
    [task.taskId, task.taskId.split(':')[0], task.title, person, decision ? 'decided' : 'open', decision ?? null, decision ? person : null],
  );
  return task;
}

const askForLink = (person: string) =>
  fetch(inbox('/sign-in'), { method: 'POST', headers: form, body: new URLSearchParams({ email: person }) });

const signInMails = async (person: string) => (await mailTo(person)).filter((mail) => mail.subject === 'Your officeflow sign-in link');

/** Asks for a sign-in link for the person: the link in the e-mail that brings it. */
async function signInLink(person: string): Promise<string> {
  const before = (await signInMails(person)).length;
  expect((await askForLink(person)).status).toBe(200);
  const mail = await eventually(async () => (await signInMails(person))[before], 'the sign-in e-mail');
  return /http\S+\/inbox\/sign-in\/\S+/.exec(mail.text ?? '')![0];
}

/** Opens a sign-in link as a person does, clicking its page's button: the session cookie it sets (`name=value`), if any. */
async function open(link: string) {
  const page = await fetch(link);
  if (page.status !== 200) return { response: page, cookie: undefined };
  expect(page.headers.getSetCookie()).toEqual([]);
  const response = await fetch(link, { method: 'POST', headers: { origin: engine.intakeUrl }, redirect: 'manual' });
  const cookie = response.headers.getSetCookie().find((header) => header.startsWith('officeflow_session='));
  return { response, cookie: cookie?.split(';')[0] };
}

async function signIn(person: string): Promise<string> {
  const { cookie } = await open(await signInLink(person));
  expect(cookie).toBeDefined();
  return cookie!;
}

const inboxPage = async (cookie: string, query = '') => (await fetch(inbox(query), { headers: { cookie } })).text();

it('lets a sign-in link open one session: opened again, it is refused and opens none', async () => {
  const person = `${uniqueId('approver')}@finance.test`;
  await taskOf(person);
  const link = await signInLink(person);

  const first = await open(link);
  expect(first.response.status).toBe(303);
  expect(await inboxPage(first.cookie!)).toContain(`Signed in as ${person}`);

  const second = await open(link);
  expect(second.response.status).toBe(400);
  expect(await second.response.text()).toContain('This sign-in link does not work');
  expect(second.response.headers.getSetCookie()).toEqual([]);
  expect(await engine.pool.query('SELECT 1 FROM inbox_sessions WHERE person = $1', [person])).toMatchObject({ rowCount: 1 });
});

it('leaves a link working when it is only opened, as mail scanners and link previews do', async () => {
  const person = `${uniqueId('approver')}@finance.test`;
  await taskOf(person);
  const link = await signInLink(person);
  for (let visit = 0; visit < 3; visit++) {
    const scanned = await fetch(link);
    expect(scanned.status).toBe(200);
    expect(await scanned.text()).toContain(`Sign in as ${person}?`);
  }
  expect(await engine.pool.query('SELECT 1 FROM inbox_sessions WHERE person = $1', [person])).toMatchObject({ rowCount: 0 });
  // Posted from another site, it signs nobody in and stays unspent.
  const forged = await fetch(link, { method: 'POST', headers: { origin: 'https://evil.example' }, redirect: 'manual' });
  expect(forged.status).toBe(403);
  expect((await open(link)).cookie).toBeDefined();
});

it('keeps only a random id in the cookie, which the task API refuses as a bearer token', async () => {
  const person = `${uniqueId('approver')}@finance.test`;
  await taskOf(person);
  const cookie = await signIn(person);
  const sessionId = cookie.slice('officeflow_session='.length);

  const asBearer = await fetch(`${engine.intakeUrl}/tasks`, { headers: { authorization: `Bearer ${sessionId}` } });
  expect(asBearer.status).toBe(401);
  // Only a hash of the id is kept, so the table alone signs nobody in.
  const { rows } = await engine.pool.query('SELECT session_hash FROM inbox_sessions WHERE person = $1', [person]);
  expect(rows).toHaveLength(1);
  expect(rows[0].session_hash).not.toContain(sessionId);
});

it('ends the session on signing out: the old cookie, sent again, shows no tasks', async () => {
  const person = `${uniqueId('approver')}@finance.test`;
  const { title } = await taskOf(person);
  const cookie = await signIn(person);
  expect(await inboxPage(cookie)).toContain(title);

  const signedOut = await fetch(inbox('/sign-out'), { method: 'POST', headers: { cookie, origin: engine.intakeUrl }, redirect: 'manual' });
  expect(signedOut.status).toBe(303);

  const replayed = await inboxPage(cookie);
  expect(replayed).toContain('Sign in to your tasks');
  expect(replayed).not.toContain(title);
});

it('lists open sessions for operators and ends all of a person’s with `officeflow sessions end`, kept in the operator log', async () => {
  const person = `${uniqueId('approver')}@finance.test`;
  const { title } = await taskOf(person);
  const [laptop, phone] = [await signIn(person), await signIn(person)];
  const cli = officeflowCli(engine);
  const asOperator = ['--as', TEST_OPERATOR];

  const listed = await cli.json<Array<{ person: string; startedAt: string; expiresAt: string }>>(
    'sessions',
    '--person',
    person,
    ...asOperator,
  );
  expect(listed).toHaveLength(2);
  expect(listed[0]).toMatchObject({ person });
  expect(Date.parse(listed[0].expiresAt) - Date.parse(listed[0].startedAt)).toBe(8 * 3600_000);
  // Only operators see or end sessions.
  expect(await cli.run('sessions', 'end', person, '--reason', 'mine now', '--as', person)).toMatchObject({
    code: 1,
    stderr: expect.stringContaining('refused (403)'),
  });
  expect(await cli.run('sessions', '--as', TEST_AUDITOR)).toMatchObject({ code: 1, stderr: expect.stringContaining('403') });

  expect(await cli.json('sessions', 'end', person, '--reason', 'laptop lost', ...asOperator)).toEqual({ person, ended: 2 });
  for (const cookie of [laptop, phone]) expect(await inboxPage(cookie)).not.toContain(title);
  expect(await cli.json('sessions', '--person', person, ...asOperator)).toEqual([]);
  const logged = await cli.json<Array<{ actor: string; action: string; target: string; reason: string; detail: object }>>(
    'operator-actions',
    '--as',
    TEST_AUDITOR,
  );
  // Newest first, the refused attempt too.
  expect(logged.filter(({ target }) => target === person)).toEqual([
    expect.objectContaining({ actor: TEST_OPERATOR, action: 'sessions-ended', reason: 'laptop lost', detail: { ended: 2 } }),
    expect.objectContaining({ actor: person, action: 'sessions-ended', reason: 'mine now', detail: { refused: 403 } }),
  ]);
});

it('sends at most 5 sign-in e-mails per address in 15 minutes, with the same answer to the 6th', async () => {
  const person = `${uniqueId('approver')}@finance.test`;
  await taskOf(person);
  const answers = [];
  for (let request = 0; request < 6; request++) answers.push(await (await askForLink(person)).text());
  expect(new Set(answers).size).toBe(1);
  expect(answers[0]).toContain(`If ${person} has tasks here, a sign-in link is on its way`);

  await eventually(async () => ((await signInMails(person)).length === 5 ? true : undefined), 'five sign-in e-mails');
  // The 6th request was counted (and so decided on) before the mail sink is looked at again.
  await eventually(
    async () =>
      (await engine.pool.query('SELECT requests FROM inbox_sign_in_requests WHERE person = $1', [person])).rows[0]?.requests === 6 ||
      undefined,
    'the 6th request counted',
  );
  await new Promise((resolve) => setTimeout(resolve, 1000));
  expect(await signInMails(person)).toHaveLength(5);
});

it('forgets the count of an address once its window has passed, tasks or not', async () => {
  const stranger = `${uniqueId('nobody')}@elsewhere.test`;
  await engine.pool.query(
    `INSERT INTO inbox_sign_in_requests (person, window_start, requests) VALUES ($1, now() - interval '16 minutes', 5)`,
    [stranger],
  );
  expect((await askForLink(`${uniqueId('someone')}@finance.test`)).status).toBe(200);
  await eventually(
    async () => (await engine.pool.query('SELECT 1 FROM inbox_sign_in_requests WHERE person = $1', [stranger])).rowCount === 0 || undefined,
    'the stranger’s count forgotten',
  );
});

it('judges a link’s expiry by the database’s clock, the one that clears spent links', async () => {
  // A link whose time the database saw pass is spent, though the intake's clock (behind, say) still takes its token:
  // were the two clocks to decide apart, a link cleared as expired could sign in again.
  const sessions = inboxSessions(engine.pool);
  const person = `${uniqueId('approver')}@finance.test`;
  const past = { linkId: uniqueId('link'), expiresAt: new Date(Date.now() - 1000), person };
  expect(await sessions.open(past)).toBeUndefined();
  expect(await sessions.linkSpent(past)).toBe(true);
  const current = { ...past, linkId: uniqueId('link'), expiresAt: new Date(Date.now() + 60_000) };
  expect(await sessions.linkSpent(current)).toBe(false);
  expect(await sessions.open(current)).toBeDefined();
  expect(await sessions.linkSpent(current)).toBe(true);
  expect(await sessions.open(current)).toBeUndefined();
});

it('shows the decision on the person’s own task from the task list, and nothing for any other `?decided=`', async () => {
  const person = `${uniqueId('approver')}@finance.test`;
  const colleague = `${uniqueId('colleague')}@finance.test`;
  const own = await taskOf(person, 'approve');
  const theirs = await taskOf(colleague, 'reject');
  const cookie = await signIn(person);

  expect(await inboxPage(cookie, `?decided=${encodeURIComponent(own.taskId)}`)).toContain(
    `Your decision on ${own.taskId} was recorded: Approve, ${own.title}.`,
  );
  const others = await inboxPage(cookie, `?decided=${encodeURIComponent(theirs.taskId)}`);
  expect(others).not.toContain('Your decision');
  expect(others).not.toContain(theirs.title);
  for (const text of ['<script>alert(1)</script>', 'You won a prize, call +1 555 0100']) {
    const page = await inboxPage(cookie, `?decided=${encodeURIComponent(text)}`);
    expect(page).not.toContain('Your decision');
    expect(page).not.toContain('alert(1)');
    expect(page).not.toContain('prize');
  }
});
