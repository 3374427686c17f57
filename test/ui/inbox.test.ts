import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { type TestEngine, eventually, mailTo, startTestEngine, stateDir, uniqueId } from '../support/engine';
import { type DealDesk, dealDesk, orderToCashTestSettings } from '../support/deals';

/** The task inbox as an approver uses it, in Chromium: signed in by e-mailed link, deciding with the keyboard and mouse. */
let engine: TestEngine;
let deals: DealDesk;
let browser: Browser;
beforeAll(async () => {
  engine = await startTestEngine({ settings: { 'order-to-cash': orderToCashTestSettings } });
  deals = dealDesk(engine);
  browser = await puppeteer.launch({ executablePath: engine.settings.CHROME_PATH, args: ['--no-sandbox'], headless: true });
});
afterAll(async () => {
  await browser?.close();
  await engine.stop();
});

const textOf = (page: Page) => page.evaluate(() => document.body.innerText);

/** Every form field a person fills in has a label a screen reader announces. */
const unlabelled = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('input, textarea, select')]
      .filter((field) => (field as HTMLInputElement).type !== 'hidden' && (field as HTMLInputElement).labels?.length === 0)
      .map((field) => field.outerHTML),
  );

it('signs an approver in by e-mailed link, lists their tasks with what is overdue, decides one, and refuses a second decision', async () => {
  const approver = `${uniqueId('approver')}@finance.test`;
  // Two orders over the credit limit for this approver: one due in an hour, one already past its deadline.
  const onTime = deals.deal(await deals.product(100), { quantity: 100, unitPrice: 200 });
  const late = deals.deal(await deals.product(100), { quantity: 100, unitPrice: 300 });
  await deals.startWithSettings(onTime, { creditApprover: approver });
  await deals.startWithSettings(late, { creditApprover: approver, financeManager: approver, creditApprovalDeadline: '1s' });
  await deals.atStep(onTime.workflowId, 'credit-approval', 'Finance');
  await eventually(
    async () =>
      (await engine.pool.query(`SELECT 1 FROM human_tasks WHERE workflow_id = $1 AND escalated`, [late.workflowId])).rowCount || undefined,
    'the late task escalated',
  );

  const page = await browser.newPage();
  await page.goto(`${engine.intakeUrl}/inbox`);
  expect(await textOf(page)).toContain('Sign in to your tasks');
  expect(await unlabelled(page)).toEqual([]);
  await page.focus('#email');
  await page.keyboard.type(approver);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  expect(await textOf(page)).toContain(`If ${approver} has tasks here, a sign-in link is on its way`);

  const mail = await eventually(
    async () => (await mailTo(approver)).find((m) => m.subject === 'Your officeflow sign-in link'),
    'the sign-in e-mail',
  );
  const link = /http\S+\/inbox\/sign-in\/\S+/.exec(mail.text ?? '')![0];
  await page.goto(link);
  const inbox = await textOf(page);
  expect(page.url()).toBe(`${engine.intakeUrl}/inbox`);
  expect(inbox).toContain(`Signed in as ${approver}`);
  expect(inbox).toContain('2 open, 1 overdue');
  expect(inbox).toMatch(/order of €30,000\.00\s+\S+ \S+ UTC overdue/);
  expect(inbox).not.toMatch(/order of €20,000\.00[^\n]*overdue/);
  await page.screenshot({ path: path.join(stateDir(), 'inbox.png') });

  const taskId = `${onTime.workflowId}:credit-approval`;
  await Promise.all([page.waitForNavigation(), page.click(`a[href="/inbox/tasks/${encodeURIComponent(taskId)}"]`)]);
  const task = await textOf(page);
  expect(task).toContain(`Deal ${onTime.dealId}`);
  expect(task).toContain('History of the case');
  expect(await unlabelled(page)).toEqual([]);
  // The same task open in a second tab, as people do.
  const second = await browser.newPage();
  await second.goto(page.url());

  await page.type('#comment', 'long-standing customer');
  // Decided from the keyboard: the button reached and pressed as a keyboard user would.
  await page.focus('button[value="approve"]');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  const after = await textOf(page);
  expect(after).toContain(`Your decision on ${taskId} was recorded`);
  expect(after).toContain('1 open, 1 overdue');
  await deals.atStep(onTime.workflowId, 'in-delivery');
  const { rows } = await engine.pool.query('SELECT decision, decided_by, comment FROM human_tasks WHERE task_id = $1', [taskId]);
  expect(rows[0]).toEqual({ decision: 'approve', decided_by: approver, comment: 'long-standing customer' });

  await second.focus('button[value="reject"]');
  const [refused] = await Promise.all([second.waitForNavigation(), second.keyboard.press('Enter')]);
  expect(refused?.status()).toBe(409);
  expect(await textOf(second)).toContain(`already decided by ${approver}`);

  // A form forged on another site, even with the approver's session, never reaches the run.
  const [session] = await page.cookies();
  const lateTask = `${late.workflowId}:credit-approval`;
  const forged = await fetch(`${engine.intakeUrl}/inbox/tasks/${encodeURIComponent(lateTask)}/decision`, {
    method: 'POST',
    headers: {
      origin: 'https://elsewhere.example',
      cookie: `${session.name}=${session.value}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'decision=approve',
  });
  expect(forged.status).toBe(403);
  expect((await engine.pool.query('SELECT status FROM human_tasks WHERE task_id = $1', [lateTask])).rows[0].status).toBe('open');

  // Signed out, the inbox asks to sign in again.
  await page.focus('nav button[type="submit"]');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  expect(await textOf(page)).toContain('Sign in to your tasks');
});
