import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { sendEvent } from '../../intake/send';
import type { DealRecord } from '../../activities/crm/stand-in';
import type { OrderToCashResult } from '../../contracts/order';
import type { Progress } from '../../contracts/progress';
import { type TestEngine, eventFor, eventually, mailTo, portalOrders, startTestEngine, testSettings, uniqueId } from '../support/engine';

const root = path.resolve(__dirname, '../..');
let engine: TestEngine;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  engine = await startTestEngine({ workers: false });
});
afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) process.kill(-worker.pid!, 'SIGKILL');
  await engine.stop();
});

/** `officeflow up --only worker` as its own process (and process group, with its Chromium), as in production. */
async function startWorkerProcess(): Promise<ChildProcess> {
  const worker = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'up', '--only', 'worker'], {
    cwd: root,
    detached: true,
    env: { ...process.env, ...testSettings(), TASK_QUEUE_SUFFIX: engine.queueSuffix, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  workers.push(worker);
  await new Promise<void>((resolve, reject) => {
    worker.once('exit', (code) => reject(new Error(`worker exited with ${code} before it polled`)));
    worker.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('workers polling')) resolve();
    });
  });
  return worker;
}

it('finishes a run without duplicates when its worker is killed in the middle of a step and another takes over', async () => {
  const sku = uniqueId('SKU').toUpperCase();
  await engine.pool.query('INSERT INTO products (sku, name, on_hand) VALUES ($1, $2, 10)', [sku, 'Crash test item']);
  const dealId = uniqueId('D');
  const billingEmail = `${dealId.toLowerCase()}@customer.test`;
  const salesRepEmail = `rep-${dealId.toLowerCase()}@sales.test`;
  const first = await startWorkerProcess();
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

  // Kill the worker while its robot waits on the portal's slow page: the order is keyed in, the step not done.
  const orderNumber = await eventually(async () => {
    const { rows } = await engine.pool.query('SELECT order_number FROM sales_orders WHERE deal_id = $1', [dealId]);
    return rows[0]?.order_number as string | undefined;
  }, 'the sales order');
  await eventually(async () => portalOrders().find((o) => o.reference === orderNumber), 'the order in the portal', 30_000);
  process.kill(-first.pid!, 'SIGKILL');

  await startWorkerProcess();
  const handle = engine.client.workflow.getHandle(`order-to-cash-${dealId}`);
  await eventually(
    async () => {
      // Until the server notices the dead worker, a query may be routed to it and fail: ask again.
      const progress = await handle.query<Progress>('progress').catch(() => undefined);
      return progress?.step === 'in-delivery' ? progress : undefined;
    },
    'the run to reach delivery on the new worker',
    45_000,
  );
  await sendEvent(engine.intakeUrl, engine.secret, eventFor('logistics.shipment.delivered', { dealId }));
  await sendEvent(
    engine.intakeUrl,
    engine.secret,
    eventFor('payments.payment.received', { dealId, paymentId: uniqueId('PAY'), amount: 119, currency: 'EUR' }),
  );
  const result = (await handle.result()) as OrderToCashResult;

  expect(result.outcome).toBe('paid');
  const inPortal = portalOrders().filter((o) => o.reference === orderNumber);
  expect(inPortal).toHaveLength(1);
  const {
    rows: [order],
  } = await engine.pool.query(
    `SELECT legacy_order_number, (SELECT count(*)::int FROM invoices WHERE order_number = $1) AS invoices,
            (SELECT count(*)::int FROM shipments WHERE order_number = $1) AS shipments
       FROM sales_orders WHERE order_number = $1`,
    [orderNumber],
  );
  expect(order).toEqual({ legacy_order_number: inPortal[0].number, invoices: 1, shipments: 1 });
  expect((await mailTo(billingEmail)).map((m) => m.subject)).toEqual([`Invoice ${result.invoiceNumber}`]);
  expect(await mailTo(salesRepEmail)).toHaveLength(1);
  const crm = (await (await fetch(`${engine.settings.CRM_URL}/deals/${dealId}`)).json()) as DealRecord;
  expect(crm.history.map((h) => h.stage)).toEqual(['ordered', 'shipped', 'invoiced', 'paid']);
}, 120_000);
