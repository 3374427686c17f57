import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { descendsFrom, processTable } from '../../bench/process-table';
import { sendEvent } from '../../web/events/send';
import type { DealRecord } from '../../activities/crm/stand-in';
import type { OrderToCashResult } from '../../contracts/order';
import type { Progress } from '../../contracts/progress';
import type { PortalUser } from '../../activities/it-admin/stand-in';
import {
  type TestEngine,
  eventFor,
  eventually,
  mailTo,
  portalOrders,
  standInRecords,
  startTestEngine,
  stateDir,
  testSettings,
  uniqueId,
} from '../support/engine';
import { startWorkerProcess, stopWorkerProcess } from '../support/worker-process';

let engine: TestEngine;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  engine = await startTestEngine({ workers: false });
});
// Each test's workers go with it: one left polling the queue would take the next test's work from the worker it watches.
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => stopWorkerProcess(worker, 'SIGKILL')));
});
afterAll(async () => {
  await engine.stop();
});

const startWorker = async () => {
  const worker = await startWorkerProcess({
    ...process.env,
    ...testSettings(),
    TASK_QUEUE_SUFFIX: engine.queueSuffix,
    WORKFLOW_BUNDLE: path.join(stateDir(), 'workflow-bundle.js'),
  });
  workers.push(worker);
  return worker;
};

/** A deal closed in the CRM, and how to follow its run: the sales order and its entry in the legacy ERP. */
async function closeDeal() {
  const sku = uniqueId('SKU').toUpperCase();
  await engine.pool.query('INSERT INTO products (sku, name, on_hand) VALUES ($1, $2, 10)', [sku, 'Crash test item']);
  const dealId = uniqueId('D');
  const billingEmail = `${dealId.toLowerCase()}@customer.test`;
  const salesRepEmail = `rep-${dealId.toLowerCase()}@sales.test`;
  await sendEvent(
    engine.intakeUrl,
    engine.secret,
    eventFor('crm.deal.closed_won', {
      dealId,
      customer: { id: uniqueId('ACC'), name: 'Crash Test AG', billingEmail, country: 'DE' },
      lines: [{ sku, quantity: 1, unitPrice: 100 }],
      salesRepEmail,
    }),
  );
  const orderNumber = await eventually(async () => {
    const { rows } = await engine.pool.query('SELECT order_number FROM sales_orders WHERE deal_id = $1', [dealId]);
    return rows[0]?.order_number as string | undefined;
  }, 'the sales order');
  return { dealId, billingEmail, salesRepEmail, orderNumber, inPortal: () => portalOrders().filter((o) => o.reference === orderNumber) };
}

/** An accepted offer, and how to follow its run: the employee and their user in the IT admin portal. */
async function acceptOffer() {
  const candidateId = uniqueId('CAND');
  await sendEvent(engine.intakeUrl, engine.secret, eventFor('hr.offer.accepted', { candidateId }));
  const employeeNumber = await eventually(async () => {
    const { rows } = await engine.pool.query('SELECT employee_number FROM employees WHERE candidate_id = $1', [candidateId]);
    return rows[0]?.employee_number as string | undefined;
  }, 'the employee record');
  return {
    candidateId,
    employeeNumber,
    inPortal: () => standInRecords<PortalUser>('it-admin.json').filter((user) => user.employeeNumber === employeeNumber),
  };
}

/**
 * Stops (SIGSTOP) the worker's Chromium, the worker's descendants (puppeteer starts it in a process group of its own):
 * whatever the worker asks of it from then on hangs, as on a machine that is going down. Returns their ids.
 */
function freezeChromiumOf(worker: ChildProcess): number[] {
  const processes = processTable();
  const chromium = [...processes]
    .filter(([pid, { command }]) => command.startsWith('chrom') && descendsFrom(processes, pid, worker.pid!))
    .map(([pid]) => pid);
  expect(chromium.length).toBeGreaterThan(0);
  for (const pid of chromium) process.kill(pid, 'SIGSTOP');
  return chromium;
}

/** Until the server notices the dead worker, a query may be routed to it and fail: ask again. */
const stepOf = (workflowId: string) =>
  engine.client.workflow
    .getHandle(workflowId)
    .query<Progress>('progress')
    .then((progress) => progress.step)
    .catch(() => undefined);

it('finishes an order and a hire without duplicates when their worker is killed while its robots type and another takes over', async () => {
  const first = await startWorker();
  const [deal, hire] = await Promise.all([closeDeal(), acceptOffer()]);
  // Kill the worker once both robots have saved in their portals: the records are there, the steps may not be done.
  await eventually(
    async () => (deal.inPortal().length > 0 && hire.inPortal().length > 0 ? true : undefined),
    'both entries in the portals',
    30_000,
  );
  await stopWorkerProcess(first, 'SIGKILL');
  await startWorker();

  // The order runs to cash on the new worker.
  const order = engine.client.workflow.getHandle(`order-to-cash-${deal.dealId}`);
  await eventually(
    async () => ((await stepOf(order.workflowId)) === 'in-delivery' ? true : undefined),
    'the order to reach delivery',
    45_000,
  );
  await sendEvent(engine.intakeUrl, engine.secret, eventFor('logistics.shipment.delivered', { dealId: deal.dealId }));
  await sendEvent(
    engine.intakeUrl,
    engine.secret,
    eventFor('payments.payment.received', { dealId: deal.dealId, paymentId: uniqueId('PAY'), amount: 119, currency: 'EUR' }),
  );
  const result = (await order.result()) as OrderToCashResult;
  expect(result.outcome).toBe('paid');
  expect(deal.inPortal()).toHaveLength(1);
  const {
    rows: [placed],
  } = await engine.pool.query(
    `SELECT legacy_order_number, (SELECT count(*)::int FROM invoices WHERE order_number = $1) AS invoices,
            (SELECT count(*)::int FROM shipments WHERE order_number = $1) AS shipments
       FROM sales_orders WHERE order_number = $1`,
    [deal.orderNumber],
  );
  expect(placed).toEqual({ legacy_order_number: deal.inPortal()[0].number, invoices: 1, shipments: 1 });
  expect((await mailTo(deal.billingEmail)).map((m) => m.subject)).toEqual([`Invoice ${result.invoiceNumber}`]);
  expect(await mailTo(deal.salesRepEmail)).toHaveLength(1);
  const crm = (await (await fetch(`${engine.settings.CRM_URL}/deals/${deal.dealId}`)).json()) as DealRecord;
  expect(crm.history.map((h) => h.stage)).toEqual(['ordered', 'shipped', 'invoiced', 'paid']);

  // The hire has exactly one account, recorded on the employee; a rescission disables that one.
  const { rows } = await eventually(
    async () => {
      const found = await engine.pool.query('SELECT it_account_id, payroll_id FROM employees WHERE employee_number = $1', [
        hire.employeeNumber,
      ]);
      return found.rows[0].it_account_id && found.rows[0].payroll_id ? found : undefined;
    },
    'the accounts recorded by the new worker',
    45_000,
  );
  expect(hire.inPortal()).toEqual([expect.objectContaining({ userId: rows[0].it_account_id, status: 'active' })]);
  await sendEvent(engine.intakeUrl, engine.secret, eventFor('hr.offer.rescinded', { candidateId: hire.candidateId }));
  expect(await engine.client.workflow.getHandle(`hire-to-onboard-${hire.candidateId}`).result()).toMatchObject({ outcome: 'rescinded' });
  expect(hire.inPortal()).toEqual([expect.objectContaining({ status: 'disabled' })]);
}, 150_000);

it("e-mails the invoice within seconds of a worker dying mid-print, not after the print's two-minute timeout", async () => {
  const first = await startWorker();
  const deal = await closeDeal();
  const order = engine.client.workflow.getHandle(`order-to-cash-${deal.dealId}`);
  await eventually(
    async () => ((await stepOf(order.workflowId)) === 'in-delivery' ? true : undefined),
    'the order to reach delivery',
    45_000,
  );
  // The worker's Chromium stops answering, so the invoice's print hangs; the worker dies while it waits.
  const frozen = freezeChromiumOf(first);
  await sendEvent(engine.intakeUrl, engine.secret, eventFor('logistics.shipment.delivered', { dealId: deal.dealId }));
  await eventually(
    async () => {
      const { raw } = await order.describe();
      return raw.pendingActivities?.find((step) => step.activityType?.name === 'printInvoice' && step.lastStartedTime);
    },
    'the invoice to be printing',
    30_000,
  );
  await stopWorkerProcess(first, 'SIGKILL');
  for (const pid of frozen) process.kill(pid, 'SIGKILL');
  await startWorker();

  // The print heartbeats, so its lost attempt is noticed within its 10 s heartbeat timeout and printed again here.
  const [invoiceMail] = await eventually(
    async () => {
      const received = await mailTo(deal.billingEmail);
      return received.length > 0 ? received : undefined;
    },
    'the invoice e-mail from the new worker',
    60_000,
  );
  expect(invoiceMail.subject).toMatch(/^Invoice /);
  await sendEvent(
    engine.intakeUrl,
    engine.secret,
    eventFor('payments.payment.received', { dealId: deal.dealId, paymentId: uniqueId('PAY'), amount: 119, currency: 'EUR' }),
  );
  expect(await order.result()).toMatchObject({ outcome: 'paid' });
  expect(await mailTo(deal.billingEmail)).toHaveLength(1);
}, 150_000);
