import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toDecimal } from '../../contracts/money';
import { sendEvent } from '../../web/events/send';
import { generateWebhookSecret } from '../../web/events/webhook-auth';
import { officeflowCli } from '../support/cli';
import { dealDesk, orderToCashTestSettings } from '../support/deals';
import { TEST_OPERATOR, type TestEngine, eventFor, eventually, mailTo, startTestEngine, uniqueId } from '../support/engine';

/**
 * Alerts that reach a person. A card refund whose payment is never booked fails its run: operations hears of it once,
 * by e-mail and at an incoming webhook (Slack's and Teams' `{"text": …}`), with the link to the run in the Temporal UI
 * and the command that repairs it. Retried before the payment is booked, the run fails again: the same incident, told
 * no second time. Once the payment is booked and the run reset to its start, it goes through, and the resolution is told once.
 */
let engine: TestEngine;
let webhook: Server;
const received: Array<{ text: string }> = [];
const operations = `${uniqueId('ops')}@alerts.test`;
const ui = 'http://temporal-ui.alerts.test:8080';

beforeAll(async () => {
  webhook = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push(JSON.parse(body) as { text: string });
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  engine = await startTestEngine({
    env: {
      ALERT_EMAILS: operations,
      ALERT_WEBHOOK_URLS: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hooks/ops`,
      ALERT_CHECK_EVERY: '1 second',
      ALERT_RESOLVE_AFTER: '3 seconds',
      TEMPORAL_UI_URL: ui,
      CODEC_PORT: '0',
    },
    settings: { 'order-to-cash': orderToCashTestSettings, 'card-refund': { recheckEvery: '1 second', giveUpAfter: '2 seconds' } },
    expectations: { 'order-to-cash': { 'legacy-erp-entry': '2 seconds' } },
  });
});
afterAll(async () => {
  await engine.stop();
  await new Promise((resolve) => webhook.close(resolve));
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('tells of a failed run once, by e-mail and webhook, with its link and repair, and of its resolution once', async () => {
  const desk = dealDesk(engine);
  const invoice = await desk.invoiced();
  const paymentId = uniqueId('pi');
  const chargeId = uniqueId('ch');
  const refund = eventFor('payments.refund.paid', { paymentId, chargeId, refundedTotal: '10.00', currency: 'EUR' });
  const started = await sendEvent(engine.intakeUrl, engine.secret, refund);
  expect(started.status).toBe(202);
  const workflowId = (started.body as { workflowId: string }).workflowId;
  const about = (text: string | undefined) => Boolean(text?.includes(`${workflowId} failed`));

  const mail = await eventually(async () => (await mailTo(operations)).find((m) => about(m.subject)), 'the alert by e-mail', 30_000);
  expect(mail.subject).toBe(`officeflow: ${workflowId} failed`);
  expect(mail.text).toContain(`See it in the Temporal UI: ${ui}/namespaces/default/workflows/${workflowId}`);
  expect(mail.text).toContain(`officeflow retry ${workflowId} --reason`);
  const posted = await eventually(async () => received.find((message) => about(message.text)), 'the alert at the webhook');
  expect(posted.text).toContain(`${ui}/namespaces/default/workflows/${workflowId}`);

  // Retried while the payment is still not booked, the run fails again: the same incident, told no second time.
  const cli = officeflowCli(engine);
  await cli.json('retry', workflowId, '--reason', 'the payment may be booked by now', '--as', TEST_OPERATOR);
  await eventually(async () => {
    const { status } = await engine.client.workflow.getHandle(workflowId).describe();
    return status.name === 'FAILED' ? true : undefined;
  }, 'the second failure');
  await pause(4_000);
  expect((await mailTo(operations)).filter((m) => about(m.subject))).toHaveLength(1);
  expect(received.filter((message) => about(message.text))).toHaveLength(1);

  // The payment is booked; reset to its start, the refund goes through, and the incident is resolved, told once.
  const paid = await desk.send('payments.payment.received', {
    dealId: invoice.dealId,
    paymentId,
    amount: Number(toDecimal(invoice.gross)),
    currency: 'EUR',
  });
  expect(paid.status).toBe(202);
  await eventually(async () => {
    const { rowCount } = await engine.pool.query('SELECT 1 FROM payments WHERE payment_id = $1', [paymentId]);
    return rowCount ? true : undefined;
  }, 'the booked payment');
  // The run books the refund again from its start, its wait for the payment with it.
  await cli.json('reset', workflowId, '--to-step', 'booking', '--reason', 'the payment is booked now', '--as', TEST_OPERATOR);
  await engine.client.workflow.getHandle(workflowId).result();
  const resolved = await eventually(
    async () => (await mailTo(operations)).find((m) => m.subject === `officeflow resolved: ${workflowId} failed`),
    'the resolution by e-mail',
    30_000,
  );
  expect(resolved.text?.trim()).toMatch(/^Resolved: .* failed \(from .* to .*\)\.$/);
  await eventually(
    async () => received.find((message) => message.text.startsWith(`Resolved: ${workflowId} failed`)),
    'the resolution at the webhook',
  );
  await pause(3_000);
  expect((await mailTo(operations)).filter((m) => m.subject?.includes(workflowId))).toHaveLength(2);
  expect(received.filter((message) => message.text.includes(workflowId))).toHaveLength(2);
});

it('tells of a paused system, and of its resumption', async () => {
  const cli = officeflowCli(engine);
  await cli.json('pause', 'payroll', '--reason', 'payroll provider maintenance', '--as', TEST_OPERATOR);
  const title = `payroll is paused by ${TEST_OPERATOR}: payroll provider maintenance`;
  const told = await eventually(async () => received.find((message) => message.text.startsWith(title)), 'the paused system');
  expect(told.text).toContain('officeflow resume payroll --reason');
  await cli.json('resume', 'payroll', '--reason', 'maintenance over', '--as', TEST_OPERATOR);
  await eventually(async () => received.find((message) => message.text.startsWith(`Resolved: ${title}`)), 'its resumption', 30_000);
});

it('tells of a run in a step longer than its process expects, and of its moving on', async () => {
  // The legacy ERP is paused: an order waits at its entry there longer than the 2 seconds the test expects.
  const cli = officeflowCli(engine);
  await cli.json('pause', 'legacy-erp', '--reason', 'portal down', '--as', TEST_OPERATOR);
  const desk = dealDesk(engine);
  const d = desk.deal(await desk.product(3));
  expect((await desk.send('crm.deal.closed_won', d.event.data as Record<string, unknown>)).status).toBe(202);
  const title = `${d.workflowId} has been at legacy-erp-entry for`;
  const mail = await eventually(async () => (await mailTo(operations)).find((m) => m.subject?.includes(title)), 'the stuck step', 30_000);
  expect(mail.text).toContain(`officeflow status ${d.workflowId}`);
  expect(mail.text).toContain(`${ui}/namespaces/default/workflows/${d.workflowId}`);
  await cli.json('resume', 'legacy-erp', '--reason', 'portal back', '--as', TEST_OPERATOR);
  await desk.atStep(d.workflowId, 'in-delivery');
  await eventually(
    async () => (await mailTo(operations)).find((m) => m.subject?.startsWith(`officeflow resolved: ${title}`)),
    'the step moving on',
    30_000,
  );
  expect((await mailTo(operations)).filter((m) => m.subject?.includes(title))).toHaveLength(2);
});

it('tells of the intake refusing a sender’s events, once', async () => {
  // A sender whose secret is wrong: each of its events is refused.
  const wrongSecret = generateWebhookSecret();
  for (let i = 0; i < 12; i++) expect((await sendEvent(engine.intakeUrl, wrongSecret, eventFor('crm.deal.closed_won'))).status).toBe(401);
  const told = await eventually(
    async () => received.find((message) => message.text.startsWith('the intake is refusing events')),
    'the refusals at the webhook',
    30_000,
  );
  expect(told.text).toContain('fix the sender');
  await eventually(
    async () => (await mailTo(operations)).find((m) => m.subject?.startsWith('officeflow: the intake is refusing events')),
    'the refusals by e-mail',
  );
  await pause(3_000);
  expect(received.filter((message) => message.text.startsWith('the intake is refusing events'))).toHaveLength(1);
});
