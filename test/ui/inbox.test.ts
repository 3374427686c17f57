import path from 'node:path';
import type * as axe from 'axe-core';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { decisionLinks } from '../../codec/decision-links';
import { type TestEngine, eventually, mailTo, startTestEngine, stateDir, uniqueId } from '../support/engine';
import { type DealDesk, dealDesk, orderToCashTestSettings } from '../support/deals';

/**
 * The task inbox as an approver uses it, in Chromium: signed in by e-mailed link, deciding with the keyboard and mouse,
 * every page audited by axe-core against WCAG 2.1 AA. Screenshots are kept in the test run's state folder.
 */
let engine: TestEngine;
let deals: DealDesk;
let browser: Browser;
beforeAll(async () => {
  engine = await startTestEngine({ settings: { 'order-to-cash': orderToCashTestSettings } });
  deals = dealDesk(engine);
  browser = await puppeteer.launch({ executablePath: engine.settings.CHROME_PATH, args: ['--no-sandbox'], headless: 'shell' });
});
afterAll(async () => {
  await browser?.close();
  await engine.stop();
});

/** A tab of a browser that asks for British English, as wide as the README's pictures. */
async function newTab(): Promise<Page> {
  const page = await browser.newPage();
  // axe-core is injected as an inline script, which the pages' Content-Security-Policy rightly forbids.
  await page.setBypassCSP(true);
  await page.setExtraHTTPHeaders({ 'accept-language': 'en-GB,en;q=0.8' });
  await page.setViewport({ width: 900, height: 600 });
  return page;
}

const textOf = (page: Page) => page.evaluate(() => document.body.innerText);

/** The task list's rows, each as one line of text. */
const rowsOf = (page: Page) => page.$$eval('tbody tr', (rows) => rows.map((row) => row.textContent!.replace(/\s+/g, ' ').trim()));

/** What axe-core finds against WCAG 2.1 AA on the page (labels, contrast, names, structure): each rule and its elements. */
async function violations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve('axe-core') });
  return page.evaluate(async () => {
    const results = await (window as unknown as { axe: typeof axe }).axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return results.violations.map((rule) => `${rule.id}: ${rule.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  });
}

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

  const page = await newTab();
  await page.goto(`${engine.intakeUrl}/inbox`);
  expect(await textOf(page)).toContain('Sign in to your tasks');
  expect(await violations(page)).toEqual([]);
  await page.focus('#email');
  await page.keyboard.type(approver);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  expect(await textOf(page)).toContain(`If ${approver} has tasks here, a sign-in link is on its way`);
  expect(await violations(page)).toEqual([]);

  const mail = await eventually(
    async () => (await mailTo(approver)).find((m) => m.subject === 'Your officeflow sign-in link'),
    'the sign-in e-mail',
  );
  const link = /http\S+\/inbox\/sign-in\/\S+/.exec(mail.text ?? '')![0];
  await page.goto(link);
  expect(await textOf(page)).toContain(`Sign in as ${approver}?`);
  expect(await violations(page)).toEqual([]);
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
  const inbox = await textOf(page);
  expect(page.url()).toBe(`${engine.intakeUrl}/inbox`);
  expect(inbox).toContain(`Signed in as ${approver}`);
  expect(inbox).toContain('2 open, 1 overdue');
  // Soonest due first, in the browser's language, in UTC until the approver chooses a zone.
  const [lateRow, onTimeRow] = await rowsOf(page);
  expect(lateRow).toMatch(/order of €30,000\.00 Order to cash \d{1,2} \w{3,4} \d{4}, \d{2}:\d{2} UTC Overdue$/);
  expect(onTimeRow).toMatch(/order of €20,000\.00 Order to cash \d{1,2} \w{3,4} \d{4}, \d{2}:\d{2} UTC( Due today)?$/);
  expect(await violations(page)).toEqual([]);
  await page.screenshot({ path: path.join(stateDir(), 'inbox.png'), fullPage: true });

  // Filtered with the plain form: overdue only leaves the late task.
  await page.click('#overdue');
  await Promise.all([page.waitForNavigation(), page.click('form[role="search"] button[type="submit"]')]);
  expect(new URL(page.url()).searchParams.get('overdue')).toBe('on');
  const overdueOnly = await textOf(page);
  expect(overdueOnly).toContain('1 open, 1 overdue (2 open in all)');
  expect(overdueOnly).not.toContain('order of €20,000.00');
  expect(await violations(page)).toEqual([]);
  const badFilter = await page.goto(`${engine.intakeUrl}/inbox?due=someday&process=order-to-cash`);
  expect(badFilter?.status()).toBe(400);
  expect(await textOf(page)).toContain('“someday” is not a due date to filter by');
  expect(await violations(page)).toEqual([]);
  // The late task fell due seconds ago: today; no task of the approver's is a contract's.
  await page.goto(`${engine.intakeUrl}/inbox?process=order-to-cash&due=today`);
  expect(await textOf(page)).toContain('order of €30,000.00');
  await page.goto(`${engine.intakeUrl}/inbox?process=contract-approval`);
  expect(await textOf(page)).toContain('No task of yours matches these filters');
  await page.goto(`${engine.intakeUrl}/inbox`);

  const taskId = `${onTime.workflowId}:credit-approval`;
  await Promise.all([page.waitForNavigation(), page.click(`a[href="/inbox/tasks/${encodeURIComponent(taskId)}"]`)]);
  const task = await textOf(page);
  expect(task).toContain(`Deal ${onTime.dealId}`);
  expect(task).toContain('History of the case');
  expect(await violations(page)).toEqual([]);
  await page.screenshot({ path: path.join(stateDir(), 'inbox-task.png'), fullPage: true });
  // The same task open in a second tab, as people do.
  const second = await newTab();
  await second.goto(page.url());

  await page.type('#comment', 'long-standing customer');
  // Decided from the keyboard: the button reached and pressed as a keyboard user would.
  await page.focus('button[value="approve"]');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  const after = await textOf(page);
  expect(after).toContain(`Your decision on ${taskId} was recorded`);
  expect(after).toContain('1 open, 1 overdue');
  expect(await violations(page)).toEqual([]);
  await deals.atStep(onTime.workflowId, 'in-delivery');
  const { rows } = await engine.pool.query('SELECT decision, decided_by, comment FROM human_tasks WHERE task_id = $1', [taskId]);
  expect(rows[0]).toEqual({ decision: 'approve', decided_by: approver, comment: 'long-standing customer' });

  await second.focus('button[value="reject"]');
  const [refused] = await Promise.all([second.waitForNavigation(), second.keyboard.press('Enter')]);
  expect(refused?.status()).toBe(409);
  expect(await textOf(second)).toContain('was already decided');
  expect(await violations(second)).toEqual([]);

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

  // The approver chooses their zone and language: every time is written so, and the zone is named.
  await page.goto(`${engine.intakeUrl}/inbox/profile`);
  expect(await violations(page)).toEqual([]);
  await page.select('#timeZone', 'Europe/Berlin');
  await page.select('#language', 'de');
  // From the keyboard: with the second tab in front, this one takes keys but no clicks.
  await page.focus('main button[type="submit"]');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  expect(page.url()).toBe(`${engine.intakeUrl}/inbox`);
  expect(await textOf(page)).toContain('Times are in Europe/Berlin');
  const { deadline } = (await engine.pool.query('SELECT deadline FROM human_tasks WHERE task_id = $1', [lateTask])).rows[0];
  const lateDue = await page.$eval(`time[datetime="${deadline.toISOString()}"]`, (time) => time.textContent);
  expect(lateDue).toMatch(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} MES?Z$/);
  const refusedProfile = await page.evaluate(
    async () =>
      (await fetch('/inbox/profile', { method: 'POST', body: new URLSearchParams({ timeZone: 'Mars/Olympus', language: 'de' }) })).status,
  );
  expect(refusedProfile).toBe(400);

  // The one-click page from a task e-mail, and the page a broken link gets.
  const links = decisionLinks(engine.settings.OFFICEFLOW_ENCRYPTION_KEY!, engine.intakeUrl);
  const oneClick = await newTab();
  await oneClick.goto(await links.url({ taskId: lateTask, assignee: approver }));
  expect(await oneClick.$$eval('button[name="decision"]', (buttons) => buttons.map((button) => button.textContent?.trim()))).toEqual([
    'Approve',
    'Reject',
  ]);
  expect(await violations(oneClick)).toEqual([]);
  const broken = await oneClick.goto(`${engine.intakeUrl}/links/not-a-link`);
  expect(broken?.status()).toBe(400);
  expect(await violations(oneClick)).toEqual([]);

  // Signed out, the inbox asks to sign in again.
  await page.focus('nav button[type="submit"]');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  expect(await textOf(page)).toContain('Sign in to your tasks');
  expect(await violations(page)).toEqual([]);
});
