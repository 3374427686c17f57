import { temporal } from '@temporalio/proto';
import type { Duration } from '@temporalio/common';
import itAdmin from '../../activities/it-admin';
import type { PortalUser } from '../../activities/it-admin/stand-in';
import { employeeActivities } from '../../activities/hr/employees';
import type { PayrollEmployee } from '../../activities/payroll/stand-in';
import { type HireToOnboardResult, type HireToOnboardSettings, OfferAccepted } from '../../contracts/hire';
import type { Progress } from '../../contracts/progress';
import { browserPool } from '../../infra/browser';
import { sendEvent } from '../../web/events/send';
import { hireToOnboard } from '../../workflows/hire-to-onboard';
import {
  TEST_OPERATOR,
  type TestEngine,
  eventFor,
  eventually,
  mailTo,
  robotsOf,
  standInRecords,
  startTestEngine,
  testConfig,
  uniqueId,
} from '../support/engine';
import { taskDesk } from '../support/tasks';
import { officeflowCli } from '../support/cli';
import type { EmployeeView } from '../../insights/employee';

const settings: HireToOnboardSettings = {
  hrEmail: 'hr@people.test',
  itEmail: 'it@people.test',
  equipmentByRole: { 'Software Engineer': ['Laptop (developer)', 'Headset'], default: ['Laptop (standard)'] },
  equipmentDeadline: '3s',
  welcomeBeforeStart: '3 days',
  firstDayBegins: '8 hours',
  managerTaskDeadline: '6s',
  managerTaskReminder: '3s',
};

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine({ settings: { 'hire-to-onboard': settings } });
});
afterAll(() => engine.stop());

const itUsers = (employeeNumber: string) => standInRecords<PortalUser>('it-admin.json').filter((u) => u.employeeNumber === employeeNumber);
const payrollOf = (employeeNumber: string) => standInRecords<PayrollEmployee>('payroll.json').filter((e) => e.reference === employeeNumber);
const send = (type: string, data: Record<string, unknown>) => sendEvent(engine.intakeUrl, engine.secret, eventFor(type, data));
const handle = (candidateId: string) => engine.client.workflow.getHandle<typeof hireToOnboard>(`hire-to-onboard-${candidateId}`);

/** A new hire with personal data of its own, so a test can look for it. */
function newHire(overrides: Record<string, unknown> = {}) {
  const candidateId = uniqueId('CAND');
  const tag = candidateId.slice(5).toLowerCase();
  return {
    candidateId,
    legalName: `Zoe Quist-${tag}`,
    personalEmail: `zoe.${tag}@home.test`,
    managerEmail: `manager.${tag}@people.test`,
    role: 'Software Engineer',
    department: 'Engineering',
    salary: 71234.56,
    ...overrides,
  };
}

/**
 * Posts faults to a stand-in portal: its next `count` requests that hold `match` (a hire's name or number, so other
 * test files' robots on the same portal go through) fail; 0 clears them.
 */
const faults = (portalUrl: string, match: string, count: number, kind = 'bad-gateway') =>
  fetch(new URL('/standin/faults', portalUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count, kind, match }),
  });

async function employee(candidateId: string) {
  const { rows } = await engine.pool.query('SELECT * FROM employees WHERE candidate_id = $1', [candidateId]);
  return rows[0];
}

async function atStep(candidateId: string, step: string): Promise<Progress> {
  return eventually(async () => {
    const progress = await handle(candidateId)
      .query<Progress>('progress')
      .catch(() => undefined);
    return progress?.step === step ? progress : undefined;
  }, `step ${step}`);
}

/** Starts a hire whose first day begins `firstDayIn` from now (start date today), welcomed `welcomeBefore` it. */
async function startHireStartingSoon(hire: ReturnType<typeof newHire>, firstDayIn: number, welcomeBefore: number) {
  const today = new Date().toISOString().slice(0, 10);
  const firstDayBegins: Duration = Date.now() - Date.parse(today) + firstDayIn;
  const data = OfferAccepted.parse(eventFor('hr.offer.accepted', { ...hire, startDate: today }).data);
  const definition = engine.registry.find((p) => p.name === 'hire-to-onboard')!;
  await engine.client.workflow.start(hireToOnboard, {
    taskQueue: definition.taskQueue,
    workflowId: `hire-to-onboard-${hire.candidateId}`,
    args: [{ hire: data, settings: { ...settings, firstDayBegins, welcomeBeforeStart: welcomeBefore } }],
  });
  return Date.now() + firstDayIn;
}

it('onboards a hire: record, accounts made by robots, equipment, welcome e-mail on time, manager tasks, active on day one', async () => {
  const ready = newHire();
  const late = newHire({ role: 'Office Manager' });
  const desk = taskDesk(engine);
  const firstDay = await startHireStartingSoon(ready, 40_000, 15_000);
  await startHireStartingSoon(late, 40_000, 15_000);

  // The manager of one hire prepares everything and logistics delivers; nobody does anything for the other.
  for (const task of ['assign-buddy', 'first-week-plan']) {
    const { taskId } = await desk.openTaskFor(`hire-to-onboard-${ready.candidateId}`, task, 40_000);
    expect((await desk.decide(taskId, ready.managerEmail, 'approve', 'done')).status).toBe(200);
  }
  expect((await send('logistics.equipment.delivered', { candidateId: ready.candidateId, deliveryId: uniqueId('DLV') })).status).toBe(202);
  // Past its deadline the other's equipment is chased by IT, and its manager's tasks pass to HR.
  const chase = await desk.openTaskFor(`hire-to-onboard-${late.candidateId}`, 'chase-equipment', 40_000);
  expect(chase.assignee).toBe(settings.itEmail);
  await eventually(
    async () =>
      (await desk.openTaskFor(`hire-to-onboard-${late.candidateId}`, 'assign-buddy', 40_000)).assignee === settings.hrEmail
        ? true
        : undefined,
    'the escalation to HR',
  );
  // Operators see every open task of the run and who holds it.
  const progress = await eventually(async () => {
    const now = await handle(late.candidateId).query<Progress>('progress');
    return now.openTasks?.find((task) => task.task === 'assign-buddy')?.assignee === settings.hrEmail ? now : undefined;
  }, 'the escalation in the progress');
  expect(progress).toMatchObject({ step: 'preparing-first-day', waitingOn: 'Manager' });
  expect(progress.openTasks).toEqual(
    expect.arrayContaining([expect.objectContaining({ task: 'chase-equipment', assignee: settings.itEmail })]),
  );

  const [done, missed] = (await Promise.all([
    handle(ready.candidateId).result(),
    handle(late.candidateId).result(),
  ])) as HireToOnboardResult[];
  expect(Date.now()).toBeGreaterThanOrEqual(firstDay - 1000);
  expect(done).toEqual({ outcome: 'active', employeeNumber: expect.stringMatching(/^E-\d+$/), late: [] });
  expect(missed).toMatchObject({ outcome: 'active', late: ['equipment delivered', 'buddy assigned', 'first-week plan ready'] });
  await engine.keepHistory(`hire-to-onboard-${ready.candidateId}`, 'active');
  await engine.keepHistory(`hire-to-onboard-${late.candidateId}`, 'active-with-late-preparations');

  const record = await employee(ready.candidateId);
  expect(record).toMatchObject({ employee_number: done.employeeNumber, status: 'active', legal_name: ready.legalName });
  expect(itUsers(done.employeeNumber)).toEqual([
    expect.objectContaining({ userId: record.it_account_id, email: record.work_email, fullName: ready.legalName, status: 'active' }),
  ]);
  expect(payrollOf(done.employeeNumber)).toEqual([
    expect.objectContaining({
      payrollId: record.payroll_id,
      annualSalary: '71234.56',
      startDate: expect.stringMatching(/^\d\d\.\d\d\.\d{4}$/),
    }),
  ]);
  const { rows: equipment } = await engine.pool.query('SELECT items, status FROM equipment_orders WHERE employee_number = $1', [
    done.employeeNumber,
  ]);
  expect(equipment).toEqual([{ items: ['Laptop (developer)', 'Headset'], status: 'delivered' }]);

  const [welcome] = await mailTo(ready.personalEmail);
  expect(welcome.subject).toBe(`Welcome on board, ${ready.legalName}`);
  expect(welcome.text).toContain(record.work_email);
  expect(Date.parse(welcome.date!)).toBeGreaterThanOrEqual(firstDay - 15_000 - 1000);
  expect(Date.parse(welcome.date!)).toBeLessThan(firstDay);
  expect((await mailTo(ready.managerEmail)).find((m) => m.subject === `${done.employeeNumber} starts today`)?.text).toContain(
    'Everything is ready',
  );
  const summary = (await mailTo(late.managerEmail)).find((m) => m.subject === `${missed.employeeNumber} starts today`);
  expect(summary?.text).toContain('- buddy assigned');
  // What was still open on day one was withdrawn.
  expect((await desk.tasksOf(settings.hrEmail)).filter((t) => t.taskId.startsWith(`hire-to-onboard-${late.candidateId}`))).toEqual([]);

  // Name, e-mail and salary are encrypted in Temporal's history: its bytes do not hold them.
  const history = await handle(ready.candidateId).fetchHistory();
  const stored = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
  expect(stored.includes(ready.candidateId)).toBe(true);
  for (const personal of [ready.legalName, ready.personalEmail, '71234', record.work_email]) expect(stored.includes(personal)).toBe(false);

  // One view of the employee across the processes, by number or candidate id: no name, address or salary in it.
  const view = await officeflowCli(engine).json<EmployeeView>('employee', ready.candidateId, '--as', TEST_OPERATOR);
  expect(view).toMatchObject({
    record: { employeeNumber: done.employeeNumber, candidateId: ready.candidateId, status: 'active', itAccount: true, payroll: true },
    equipment: { status: 'delivered' },
    runs: [{ process: 'hire-to-onboard', workflowId: `hire-to-onboard-${ready.candidateId}`, outcome: 'active' }],
    openTasks: [],
  });
  expect((await officeflowCli(engine).json<EmployeeView>('employee', done.employeeNumber, '--as', TEST_OPERATOR)).runs).toHaveLength(1);
  for (const personal of [ready.legalName, ready.personalEmail, '71234', record.work_email])
    expect(JSON.stringify(view)).not.toContain(personal);
}, 90_000);

it('retries a portal that fails for a moment and makes exactly one account; a rescission afterwards undoes it all', async () => {
  const hire = newHire();
  // Saving the user fails twice (the form holds the name).
  await faults(engine.settings.IT_PORTAL_URL!, hire.legalName, 2);
  expect((await send('hr.offer.accepted', hire)).status).toBe(202);
  const before = await eventually(
    async () => {
      const record = await employee(hire.candidateId);
      return record?.it_account_id && record.payroll_id ? record : undefined;
    },
    'both accounts',
    40_000,
  );
  expect(itUsers(before.employee_number)).toHaveLength(1);
  // The failed attempt left its evidence in the document store.
  const { rows: evidence } = await engine.pool.query(
    `SELECT document_key, content_type FROM documents WHERE document_key LIKE $1 ORDER BY document_key`,
    [`evidence/hire-to-onboard-${hire.candidateId}/%`],
  );
  expect(evidence).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ content_type: 'image/png' }),
      expect.objectContaining({ content_type: 'text/html' }),
    ]),
  );

  // Rescinded once the equipment is on order too: every step so far is undone.
  await eventually(async () => {
    const { rowCount } = await engine.pool.query('SELECT 1 FROM equipment_orders WHERE employee_number = $1', [before.employee_number]);
    return rowCount ? true : undefined;
  }, 'the equipment order');
  expect((await send('hr.offer.rescinded', { candidateId: hire.candidateId, reason: 'Position closed' })).status).toBe(202);
  expect(await handle(hire.candidateId).result()).toEqual({
    outcome: 'rescinded',
    employeeNumber: before.employee_number,
    late: [],
    reason: 'Position closed',
  });
  await engine.keepHistory(`hire-to-onboard-${hire.candidateId}`, 'rescinded-after-accounts');
  expect(itUsers(before.employee_number)).toEqual([expect.objectContaining({ status: 'disabled' })]);
  expect(payrollOf(before.employee_number)).toEqual([expect.objectContaining({ status: 'left' })]);
  const after = await employee(hire.candidateId);
  expect(after).toMatchObject({ status: 'rescinded', legal_name: null, personal_email: null, salary: null, role: hire.role });
  const { rows: equipment } = await engine.pool.query('SELECT status FROM equipment_orders WHERE employee_number = $1', [
    before.employee_number,
  ]);
  expect(equipment).toEqual([{ status: 'cancelled' }]);
  expect((await mailTo(hire.managerEmail)).map((m) => m.subject)).toContain(`The offer for ${before.employee_number} was rescinded`);
  expect(await taskDesk(engine).tasksOf(hire.managerEmail)).toEqual([]);
}, 60_000);

it('rescinded while the robots still wait on failing portals: nothing is left in them, and the personal data is erased', async () => {
  const hire = newHire();
  const failing = (count: number) =>
    Promise.all([
      faults(engine.settings.IT_PORTAL_URL!, hire.legalName, count),
      faults(engine.settings.PAYROLL_PORTAL_URL!, hire.legalName, count),
    ]);
  // Every save of this hire (its form holds the name) fails to the end, so no robot's retry gets through; the undo
  // steps, which look the hire up by number and never send the name, go through.
  await failing(1000);
  let result;
  try {
    expect((await send('hr.offer.accepted', hire)).status).toBe(202);
    await atStep(hire.candidateId, 'accounts');
    expect((await send('hr.offer.rescinded', { candidateId: hire.candidateId, reason: 'Candidate withdrew' })).status).toBe(202);
    result = await handle(hire.candidateId).result();
  } finally {
    await failing(0);
  }
  expect(result).toMatchObject({ outcome: 'rescinded', late: [] });
  await engine.keepHistory(`hire-to-onboard-${hire.candidateId}`, 'rescinded-while-robots-retry');
  expect(itUsers(result.employeeNumber)).toEqual([]);
  expect(payrollOf(result.employeeNumber)).toEqual([]);
  expect(await employee(hire.candidateId)).toMatchObject({ status: 'rescinded', legal_name: null, personal_email: null });
}, 60_000);

it('hands a step the portal refuses to a person, quoting the portal and naming the screenshot it kept', async () => {
  const hire = newHire({ country: 'JP' });
  expect((await send('hr.offer.accepted', hire)).status).toBe(202);
  const task = await taskDesk(engine).openTaskFor(`hire-to-onboard-${hire.candidateId}`, 'payroll-by-hand', 40_000);
  expect(task.assignee).toBe(settings.hrEmail);
  const details = (await engine.pool.query('SELECT details FROM human_tasks WHERE task_id = $1', [task.taskId])).rows[0].details as string;
  expect(details).toContain('"Country JP has no payroll here;');
  const screenshot = /screenshot (\S+\.png)/.exec(details)![1];
  // Operators, and only they, can open it (`officeflow document <key>` does the same).
  const opened = await fetch(`${engine.intakeUrl}/documents/${screenshot}`, { headers: await engine.signedInAs(TEST_OPERATOR) });
  expect(opened.headers.get('content-type')).toBe('image/png');
  expect(
    Buffer.from(await opened.arrayBuffer())
      .subarray(1, 4)
      .toString(),
  ).toBe('PNG');
  const refused = await fetch(`${engine.intakeUrl}/documents/${screenshot}`, { headers: await engine.signedInAs(hire.managerEmail) });
  expect(refused.status).toBe(403);
  // The IT account was made all the same; the rescission disables it.
  await send('hr.offer.rescinded', { candidateId: hire.candidateId, reason: 'No payroll in Japan yet' });
  const result = await handle(hire.candidateId).result();
  expect(itUsers(result.employeeNumber)).toEqual([expect.objectContaining({ status: 'disabled' })]);
  await engine.keepHistory(`hire-to-onboard-${hire.candidateId}`, 'payroll-by-hand-then-rescinded');
}, 60_000);

it('refuses an offer event with bad fields, naming them, and starts nothing', async () => {
  const hire = newHire({ startDate: '04.01.2027', personalEmail: 'not-an-address' });
  const response = await send('hr.offer.accepted', hire);
  expect(response.status).toBe(400);
  expect(JSON.stringify(response.body)).toMatch(/data\.personalEmail.*data\.startDate/);
  const salary = await send('hr.offer.accepted', { ...hire, startDate: '2027-01-04', personalEmail: 'zoe@home.test', salary: '1000.001' });
  expect(salary.status).toBe(400);
  expect(JSON.stringify(salary.body)).toContain('data.salary');
  expect(await employee(hire.candidateId)).toBeUndefined();
});

describe('a robot on a portal that misbehaves', () => {
  const browser = browserPool(testConfig());
  afterAll(() => browser.close());
  const hired = async () =>
    employeeActivities(engine.pool).createEmployeeRecord(OfferAccepted.parse(eventFor('hr.offer.accepted', newHire()).data));

  it('signs in again when the portal ends its session while the robot types, and makes the user once, in the same attempt', async () => {
    const { employeeNumber } = await hired();
    const robots = robotsOf(itAdmin, { pool: engine.pool, browser }, { IT_PORTAL_PAGE_TIMEOUT_MS: '5000' });
    // The form's save is sent to the sign-in page, as a portal does whose session ran out mid-form.
    await faults(engine.settings.IT_PORTAL_URL!, employeeNumber, 1, 'session-ends');
    // One call succeeds: a robot that missed the sign-in page would wait for the user id until the page timeout and
    // fail the attempt.
    expect(await robots.createItAccount(employeeNumber)).toMatchObject({ accountId: expect.stringMatching(/^U-\d+$/) });
    expect(itUsers(employeeNumber)).toHaveLength(1);
  });

  it('gives the attempt up after the page timeout with a retryable failure and keeps the evidence', async () => {
    const { employeeNumber } = await hired();
    const robots = robotsOf(itAdmin, { pool: engine.pool, browser }, { IT_PORTAL_PAGE_TIMEOUT_MS: '2000' });
    await faults(engine.settings.IT_PORTAL_URL!, employeeNumber, 1, 'never-loads');
    const failure = await robots.createItAccount(employeeNumber).catch((error: unknown) => error);
    expect(failure).toMatchObject({
      type: 'PortalUnavailable',
      nonRetryable: false,
      message: expect.stringMatching(
        /IT admin portal robot could not create the user of E-\d+ at step "save the user": .*timeout.*Evidence: screenshot/i,
      ),
    });
    // The next attempt finds the portal answering again.
    expect(await robots.createItAccount(employeeNumber)).toMatchObject({ accountId: expect.stringMatching(/^U-\d+$/) });
  });
});
