import { ApplicationFailure } from '@temporalio/common';
import { scimActivities } from '../../activities/scim/connector';
import hireToOnboardDefinition from '../../definitions/hire-to-onboard';
import type { HireToOnboardResult, HireToOnboardSettings } from '../../contracts/hire';
import { sendEvent } from '../../web/events/send';
import type { PortalUser } from '../../activities/it-admin/stand-in';
import type { PayrollEmployee } from '../../activities/payroll/stand-in';
import { type TestEngine, atStep, eventFor, eventually, standInRecords, startTestEngine, uniqueId } from '../support/engine';

/**
 * New hires' accounts over SCIM 2.0 on the real stack: hire-to-onboard creates the user in each application the role
 * gets (a chat, a code host: SCIM service providers served by SCIMMY), in its groups, keyed by the employee number, and
 * deactivates it, never deletes it, when the offer is rescinded.
 */

const settings: HireToOnboardSettings = {
  hrEmail: 'hr@scim.test',
  itEmail: 'it@scim.test',
  equipmentByRole: { default: ['Laptop (standard)'] },
  equipmentDeadline: '1 hour',
  welcomeBeforeStart: '3 days',
  firstDayBegins: '8 hours',
  managerTaskDeadline: '1 hour',
  managerTaskReminder: '30 minutes',
  // The applications the process names: chat for everyone, the code host for engineers.
  scimApplications: hireToOnboardDefinition.settings.scimApplications,
};

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine({ settings: { 'hire-to-onboard': settings } });
});
afterAll(() => engine.stop());

const endpoint = (application: string) => ({
  baseUrl: engine.settings.SCIM_APPLICATION_URLS.find(([name]) => name === application)![1],
  token: engine.settings.SCIM_APPLICATION_TOKENS.find(([name]) => name === application)![1],
});
/** Reads an application's directory over SCIM, as its administrator would. */
async function scim<T>(application: string, path: string): Promise<T> {
  const { baseUrl, token } = endpoint(application);
  return (await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<T>;
}
interface User {
  id: string;
  userName: string;
  externalId: string;
  active: boolean;
  title?: string;
  name?: { formatted: string };
}
const usersOf = async (application: string, employeeNumber: string) =>
  (await scim<{ Resources?: User[] }>(application, `/Users?filter=${encodeURIComponent(`externalId eq "${employeeNumber}"`)}`)).Resources ??
  [];
/** The employee's user in the application, once the run has made it. */
const accountIn = (application: string, employeeNumber: string) =>
  eventually(async () => (await usersOf(application, employeeNumber))[0], `the ${application} account`, 60_000);
const groupsWith = async (application: string, userId: string) =>
  ((await scim<{ Resources?: Array<{ displayName: string; members?: Array<{ value: string }> }> }>(application, '/Groups')).Resources ?? [])
    .filter((group) => group.members?.some((member) => member.value === userId))
    .map((group) => group.displayName)
    .sort();

async function hired(role: string) {
  const candidateId = uniqueId('CAND');
  const tag = candidateId.slice(5).toLowerCase();
  const event = eventFor('hr.offer.accepted', {
    candidateId,
    legalName: `Ada Lindqvist-${tag}`,
    personalEmail: `ada.${tag}@home.test`,
    managerEmail: `manager.${tag}@scim.test`,
    role,
    department: 'Engineering',
    startDate: '2099-01-04',
  });
  expect((await sendEvent(engine.intakeUrl, engine.secret, event)).status).toBe(202);
  const { rows } = await eventually(async () => {
    const found = await engine.pool.query('SELECT employee_number FROM employees WHERE candidate_id = $1', [candidateId]);
    return found.rowCount ? found : undefined;
  }, 'the employee record');
  return { candidateId, employeeNumber: rows[0].employee_number as string, tag };
}

/** A hire's run once its accounts and applications are done: it has moved on to the first day's preparations. */
async function provisioned({ candidateId }: { candidateId: string }) {
  const workflowId = `hire-to-onboard-${candidateId}`;
  // Its robots may wait for the portals' pages a while on a busy machine.
  await atStep(engine, workflowId, 'preparing-first-day', undefined, 60_000);
  return engine.client.workflow.getHandle(workflowId);
}

it('gives a hire an account in each application the role gets, in its groups, and deactivates them when the offer is rescinded', async () => {
  const engineer = await hired('Software Engineer');
  const run = await provisioned(engineer);
  const chat = await accountIn('chat', engineer.employeeNumber);
  const code = await accountIn('code', engineer.employeeNumber);
  expect(chat).toMatchObject({
    externalId: engineer.employeeNumber,
    active: true,
    title: 'Software Engineer',
    name: { formatted: `Ada Lindqvist-${engineer.tag}` },
  });
  expect(chat.userName).toMatch(/@/);
  // The code host gets the name and work e-mail only.
  expect(code).toMatchObject({ userName: chat.userName, active: true });
  expect(code.title).toBeUndefined();
  expect(await groupsWith('chat', chat.id)).toEqual(['engineering', 'everyone']);
  expect(await groupsWith('code', code.id)).toEqual(['developers']);

  expect(
    (
      await sendEvent(
        engine.intakeUrl,
        engine.secret,
        eventFor('hr.offer.rescinded', { candidateId: engineer.candidateId, reason: 'Budget frozen' }),
      )
    ).status,
  ).toBe(202);
  expect(((await run.result()) as HireToOnboardResult).outcome).toBe('rescinded');
  await engine.keepHistory(run.workflowId, 'rescinded-after-scim-applications');
  // Kept, and no longer active.
  expect(await usersOf('chat', engineer.employeeNumber)).toEqual([expect.objectContaining({ id: chat.id, active: false })]);
  expect(await usersOf('code', engineer.employeeNumber)).toEqual([expect.objectContaining({ id: code.id, active: false })]);
});

it('gives a role only the applications its rows name', async () => {
  const clerk = await hired('Office Manager');
  await provisioned(clerk);
  const user = await accountIn('chat', clerk.employeeNumber);
  expect(await groupsWith('chat', user.id)).toEqual(['everyone']);
  expect(await usersOf('code', clerk.employeeNumber)).toEqual([]);
});

it("ends a leaver's accounts on their last day: the portals by robots, the applications over SCIM, and marks them left", async () => {
  const leaver = await hired('Software Engineer');
  await provisioned(leaver);
  const chat = await accountIn('chat', leaver.employeeNumber);
  await accountIn('code', leaver.employeeNumber);
  await eventually(
    async () => {
      const { rows } = await engine.pool.query('SELECT it_account_id, payroll_id FROM employees WHERE employee_number = $1', [
        leaver.employeeNumber,
      ]);
      return rows[0]?.it_account_id && rows[0]?.payroll_id ? true : undefined;
    },
    'the portal accounts',
    60_000,
  );
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const event = eventFor('hr.employee.left', { employeeNumber: leaver.employeeNumber, lastDay: yesterday });
  expect((await sendEvent(engine.intakeUrl, engine.secret, event)).status).toBe(202);
  const offboarding = engine.client.workflow.getHandle(`employee-offboarding-${leaver.employeeNumber}`);
  expect(await offboarding.result()).toEqual({ outcome: 'left', employeeNumber: leaver.employeeNumber, byHand: [] });
  await engine.keepHistory(offboarding.workflowId, 'left');

  expect(await usersOf('chat', leaver.employeeNumber)).toEqual([expect.objectContaining({ id: chat.id, active: false })]);
  expect(await usersOf('code', leaver.employeeNumber)).toEqual([expect.objectContaining({ active: false })]);
  expect(standInRecords<PortalUser>('it-admin.json').filter((u) => u.employeeNumber === leaver.employeeNumber)).toEqual([
    expect.objectContaining({ status: 'disabled' }),
  ]);
  expect(standInRecords<PayrollEmployee>('payroll.json').filter((e) => e.reference === leaver.employeeNumber)).toEqual([
    expect.objectContaining({ status: 'left' }),
  ]);
  const { rows } = await engine.pool.query(
    `SELECT status, to_char(last_day, 'YYYY-MM-DD') AS last_day FROM employees WHERE employee_number = $1`,
    [leaver.employeeNumber],
  );
  expect(rows).toEqual([{ status: 'left', last_day: yesterday }]);
  // Its hire run, which waits for a first day in 2099, is no longer of use.
  await engine.client.workflow.getHandle(`hire-to-onboard-${leaver.candidateId}`).terminate('the employee left');
}, 90_000);

describe('the SCIM connector', () => {
  const activities = () => scimActivities({ chat: endpoint('chat') });
  const request = (employeeNumber: string, userName: string) => ({
    application: 'chat',
    employeeNumber,
    userName,
    name: { givenName: 'Bo', familyName: 'Berg', formatted: 'Bo Berg' },
    groups: ['everyone'],
  });

  it('finds the user a retried step created by its employee number instead of creating a second', async () => {
    const employeeNumber = uniqueId('E');
    const first = await activities().provisionScimUser(request(employeeNumber, `${employeeNumber}@scim.test`));
    const retried = await activities().provisionScimUser(request(employeeNumber, `${employeeNumber}@scim.test`));
    expect([first.created, retried.created, retried.userId]).toEqual([true, false, first.userId]);
    expect(await usersOf('chat', employeeNumber)).toHaveLength(1);
    expect(await groupsWith('chat', first.userId)).toEqual(['everyone']);
  });

  it('fails for good, naming the application and the attribute, when a user name is taken', async () => {
    const taken = `${uniqueId('taken')}@scim.test`;
    await activities().provisionScimUser(request(uniqueId('E'), taken));
    const refused = await activities()
      .provisionScimUser(request(uniqueId('E'), taken))
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect(refused).toMatchObject({
      nonRetryable: true,
      type: 'ScimConflict',
      message: expect.stringMatching(/^chat refused POST \/Users: 409 uniqueness: userName .* is already taken/),
    });
  });

  it('leaves an application that is down to Temporal’s retries', async () => {
    const { baseUrl } = endpoint('chat');
    await fetch(new URL('/standin/faults', baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 503, forMs: 1500 }),
    });
    const down = await activities()
      .provisionScimUser(request(uniqueId('E'), `${uniqueId('down')}@scim.test`))
      .catch((error: unknown) => error);
    expect(down).toMatchObject({ nonRetryable: false, type: 'ScimUnavailable' });
  });
});
