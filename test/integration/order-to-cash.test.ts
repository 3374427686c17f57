import { salesOrderActivities } from '../../activities/back-office/sales-orders';
import legacyErp from '../../activities/legacy-erp';
import { browserPool } from '../../infra/browser';
import { sendEvent } from '../../web/events/send';
import { money } from '../../contracts/money';
import type { OrderToCashResult, OrderToCashSettings } from '../../contracts/order';
import {
  type TestEngine,
  attachmentsOf,
  eventFor,
  eventually,
  robotsOf,
  testConfig,
  mailTo,
  portalOrders,
  startTestEngine,
  uniqueId,
} from '../support/engine';
import { pdfText } from '../support/pdf';
import { taskDesk } from '../support/tasks';
import { type DealDesk, dealDesk, orderToCashTestSettings } from '../support/deals';

type Desk = ReturnType<typeof taskDesk>;
type Deals = DealDesk;

// Reminders a second or two past the due date: the dunning test sees them; the escalation test shortens its deadlines itself.
const settings = { ...orderToCashTestSettings, dunningOffsets: ['1s', '2s'] };

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine({ settings: { 'order-to-cash': settings } });
});
afterAll(() => engine.stop());

/** A deal whose second line cannot be served: its order goes on hold, holding stock for the first line. */
async function dealWithShortLine() {
  const inStock = await product(10);
  const d = deal(inStock);
  const data = {
    ...(d.event.data as object),
    lines: [
      { sku: inStock, quantity: 1, unitPrice: 10 },
      { sku: await product(0), quantity: 1, unitPrice: 10 },
    ],
  };
  return { ...d, inStock, data, event: { ...d.event, data } };
}

/** The order was undone: cancelled in the back office, no stock held for it, the CRM deal cancelled. */
async function expectOrderUndone(dealId: string) {
  const {
    rows: [order],
  } = await engine.pool.query(
    `SELECT status, (SELECT count(*)::int FROM stock_reservations r WHERE r.order_number = o.order_number AND r.released_at IS NULL) AS held
       FROM sales_orders o WHERE deal_id = $1`,
    [dealId],
  );
  expect(order).toEqual({ status: 'cancelled', held: 0 });
  expect((await crmDeal(dealId)).stage).toBe('cancelled');
}

// This file's engine, once it has started, as tests drive deals and decide tasks on it.
const deals = () => dealDesk(engine);
const product: Deals['product'] = (...args) => deals().product(...args);
const deal: Deals['deal'] = (...args) => deals().deal(...args);
const send: Deals['send'] = (...args) => deals().send(...args);
const handle: Deals['handle'] = (...args) => deals().handle(...args);
const atStep: Deals['atStep'] = (...args) => deals().atStep(...args);
const crmDeal: Deals['crmDeal'] = (...args) => deals().crmDeal(...args);
const startWithSettings: Deals['startWithSettings'] = (...args) => deals().startWithSettings(...args);
const ledgerFor: Deals['ledgerFor'] = (...args) => deals().ledgerFor(...args);
async function deliverAndPay(d: { dealId: string; workflowId: string }, amounts: number[]) {
  await deals().deliver(d);
  return deals().pay(d, amounts);
}

const decide: Desk['decide'] = (...args) => taskDesk(engine).decide(...args);
const tasksOf: Desk['tasksOf'] = (...args) => taskDesk(engine).tasksOf(...args);
const openTaskFor: Desk['openTaskFor'] = (...args) => taskDesk(engine).openTaskFor(...args);

it('takes a deal to cash: order, stock, shipment, invoice PDF by e-mail, payment, a balanced ledger and a paid deal in the CRM', async () => {
  const sku = await product(10);
  const d = deal(sku, { quantity: 2, unitPrice: 250 });
  expect((await sendEvent(engine.intakeUrl, engine.secret, d.event)).status).toBe(202);
  const result = await deliverAndPay(d, [595]);

  expect(result).toMatchObject({
    outcome: 'paid',
    orderNumber: expect.stringMatching(/^SO-/),
    invoiceNumber: expect.stringMatching(/^INV-\d{6}$/),
  });
  const {
    rows: [invoice],
  } = await engine.pool.query('SELECT net_total::float, tax_total::float, gross_total::float FROM invoices WHERE invoice_number = $1', [
    result.invoiceNumber,
  ]);
  expect(invoice).toEqual({ net_total: 500, tax_total: 95, gross_total: 595 });
  expect(await ledgerFor(result.invoiceNumber!)).toEqual([
    { account: '1000 Bank', debit: 595, credit: 0 },
    { account: '1200 Receivables', debit: 595, credit: 595 },
    { account: '2200 VAT payable', debit: 0, credit: 95 },
    { account: '4000 Revenue', debit: 0, credit: 500 },
  ]);
  const {
    rows: [stock],
  } = await engine.pool.query('SELECT on_hand FROM products WHERE sku = $1', [sku]);
  expect(stock.on_hand).toBe(8);

  expect((await crmDeal(d.dealId)).history.map((h) => h.stage)).toEqual(['ordered', 'shipped', 'invoiced', 'paid']);
  await engine.keepHistory(d.workflowId, 'paid');
  const [invoiceMail] = await mailTo(d.billingEmail);
  expect(invoiceMail).toMatchObject({
    subject: `Invoice ${result.invoiceNumber}`,
    attachments: [{ filename: `${result.invoiceNumber}.pdf`, contentType: 'application/pdf' }],
  });
  const [pdf] = await attachmentsOf(invoiceMail);
  // Amounts as a German reader writes them (the buyer is in Germany).
  const printed = (await pdfText(pdf.content)).replace(/\s+/g, ' ');
  for (const item of [`Invoice ${result.invoiceNumber}`, `Test item ${sku}`, '250,00 €', 'VAT 19 % 95,00 €', 'Total due 595,00 €']) {
    expect(printed).toContain(item);
  }
  expect((await mailTo(d.salesRepEmail)).map((m) => m.subject)).toEqual([
    expect.stringContaining(`has paid invoice ${result.invoiceNumber}`),
  ]);
});

it('never lets an unbalanced journal entry into the ledger', async () => {
  const db = await engine.pool.connect();
  try {
    await db.query('BEGIN');
    await db.query(`INSERT INTO journal_entries (entry_key, description, currency) VALUES ('test/unbalanced', 'x', 'EUR')`);
    await db.query(`INSERT INTO journal_lines (entry_key, line_no, account, debit) VALUES ('test/unbalanced', 1, '1000', 10)`);
    await expect(db.query('COMMIT')).rejects.toThrow(/does not balance/);
  } finally {
    db.release();
  }
});

describe('credit approval', () => {
  const bigOrder = async (durations?: Partial<OrderToCashSettings>) => {
    const d = deal(await product(5), { quantity: 1, unitPrice: 20_000 });
    if (!durations) await sendEvent(engine.intakeUrl, engine.secret, d.event);
    else await startWithSettings(d, durations);
    return d;
  };

  it('waits on Finance for an order over the credit limit; an approval lets it go on', async () => {
    const d = await bigOrder();
    const task = await openTaskFor(d.workflowId, 'credit-approval');
    expect(task.assignee).toBe(settings.creditApprover);
    expect(await atStep(d.workflowId, 'credit-approval')).toMatchObject({ waitingOn: 'Finance', deadline: expect.any(String) });
    expect((await decide(task.taskId, 'someone.else@finance.test', 'approve')).status).toBe(403);
    expect(await decide(task.taskId, settings.creditApprover, 'approve', 'good customer')).toMatchObject({
      status: 200,
      body: { decision: 'approve', decidedBy: settings.creditApprover, escalated: false },
    });
    expect((await decide(task.taskId, settings.creditApprover, 'reject')).status).toBe(409);
    expect((await decide(`${d.workflowId}:no-such-task`, settings.creditApprover, 'approve')).status).toBe(404);
    await atStep(d.workflowId, 'in-delivery');
    await expect(deliverAndPay(d, [23_800])).resolves.toMatchObject({ outcome: 'paid' });
    await engine.keepHistory(d.workflowId, 'credit-approved');
    // The approver's notice of this deal (other test files' deals go to the same approver).
    const [notice] = await mailTo(settings.creditApprover).then((mails) => mails.filter((m) => m.text?.includes(`Deal ${d.dealId} `)));
    expect(notice.text).toContain('Please decide by');
    expect(notice.text).not.toContain('officeflow decide');
    expect(notice.text).toContain(`/inbox/tasks/${encodeURIComponent(task.taskId)}`);
  });

  it('blocks the deal in the CRM and tells the sales rep why when Finance rejects', async () => {
    const d = await bigOrder();
    const task = await openTaskFor(d.workflowId, 'credit-approval');
    await decide(task.taskId, settings.creditApprover, 'reject', 'too many open invoices');
    expect(await handle(d.workflowId).result()).toMatchObject({ outcome: 'credit-rejected' });
    const crm = await crmDeal(d.dealId);
    expect(crm.stage).toBe('blocked');
    expect(crm.notes[0]).toContain('too many open invoices');
    const [mail] = await mailTo(d.salesRepEmail);
    expect(mail.text).toContain('too many open invoices');
    const { rowCount } = await engine.pool.query('SELECT 1 FROM sales_orders WHERE deal_id = $1', [d.dealId]);
    expect(rowCount).toBe(0);
    await engine.keepHistory(d.workflowId, 'credit-rejected');
  });

  it('opens the credit task for the finance manager when the deal’s own sales rep is the credit approver', async () => {
    const d = deal(await product(5), { quantity: 1, unitPrice: 20_000 });
    await startWithSettings(d, { creditApprover: d.salesRepEmail });
    const task = await openTaskFor(d.workflowId, 'credit-approval');
    expect(task.assignee).toBe(settings.financeManager);
    expect((await decide(task.taskId, d.salesRepEmail, 'approve')).status).toBe(403);
    const decided = await decide(task.taskId, settings.financeManager, 'reject', 'not on their own deal');
    expect(decided).toMatchObject({ status: 200, body: { decidedBy: settings.financeManager } });
    // The manager decides in their own right, not on behalf of the rep four eyes kept from the task.
    expect(decided.body).not.toHaveProperty('onBehalfOf');
    expect(await handle(d.workflowId).result()).toMatchObject({ outcome: 'credit-rejected' });
  });

  it('reminds the approver, then escalates to the finance manager past the deadline', async () => {
    const d = await bigOrder({ creditApprovalDeadline: '6s', creditApprovalReminder: '2s' });
    const task = await openTaskFor(d.workflowId, 'credit-approval');
    await eventually(async () => {
      return (await tasksOf(settings.financeManager)).find((t) => t.taskId === task.taskId);
    }, 'escalation to the finance manager');
    expect(await atStep(d.workflowId, 'credit-approval', 'Finance manager')).toEqual({
      step: 'credit-approval',
      waitingOn: 'Finance manager',
      openTasks: [{ task: 'credit-approval', assignee: settings.financeManager, deadline: expect.any(String) }],
    });
    const approverMails = (await mailTo(settings.creditApprover))
      .filter((m) => m.text?.includes(encodeURIComponent(task.taskId)))
      .map((m) => m.subject);
    expect(approverMails).toEqual(expect.arrayContaining([expect.stringMatching(/^To decide/), expect.stringMatching(/^Reminder/)]));
    expect((await decide(task.taskId, settings.creditApprover, 'approve')).status).toBe(403);
    expect(await decide(task.taskId, settings.financeManager, 'approve')).toMatchObject({ status: 200, body: { escalated: true } });
    expect(await deliverAndPay(d, [23_800])).toMatchObject({ outcome: 'paid' });
    await engine.keepHistory(d.workflowId, 'credit-escalated');
  });
});

it('puts an order on hold when stock is short, tells operations, and goes on once restocked', async () => {
  const sku = await product(1);
  const d = deal(sku, { quantity: 3 });
  await sendEvent(engine.intakeUrl, engine.secret, d.event);
  expect(await atStep(d.workflowId, 'awaiting-stock')).toMatchObject({ waitingOn: 'Operations' });
  const {
    rows: [held],
  } = await engine.pool.query('SELECT status FROM sales_orders WHERE deal_id = $1', [d.dealId]);
  expect(held.status).toBe('on_hold');
  const shortage = await eventually(
    async () => (await mailTo(settings.operationsEmail)).find((m) => m.text?.includes(sku)),
    'the shortage mail',
  );
  expect(shortage.text).toContain(`${sku}: 3 ordered, 1 available`);

  const restock = { dealId: d.dealId, restockId: uniqueId('RS'), sku, quantity: 5 };
  await send('erp.inventory.restocked', restock);
  await send('erp.inventory.restocked', restock); // redelivered: booked once
  expect(await deliverAndPay(d, [357])).toMatchObject({ outcome: 'paid' });
  const {
    rows: [stock],
  } = await engine.pool.query('SELECT on_hand FROM products WHERE sku = $1', [sku]);
  expect(stock.on_hand).toBe(3); // 1 + 5 restocked - 3 shipped
  await engine.keepHistory(d.workflowId, 'restocked');
});

it('cancels an order on hold with compensation when no stock comes by the restock deadline', async () => {
  const d = await dealWithShortLine();
  await startWithSettings(d, { restockDeadline: '2s' });
  expect(await handle(d.workflowId).result()).toMatchObject({ outcome: 'out-of-stock', reason: expect.stringContaining('No stock') });
  await expectOrderUndone(d.dealId);
  await engine.keepHistory(d.workflowId, 'out-of-stock');
});

describe('cancellation', () => {
  it('before shipment undoes the order newest first: stock released, cancelled in the legacy ERP and the back office, CRM told', async () => {
    const d = await dealWithShortLine();
    await sendEvent(engine.intakeUrl, engine.secret, d.event);
    await atStep(d.workflowId, 'awaiting-stock');
    const { rows: held } = await engine.pool.query(
      'SELECT sku FROM stock_reservations WHERE order_number = (SELECT order_number FROM sales_orders WHERE deal_id = $1) AND released_at IS NULL',
      [d.dealId],
    );
    expect(held).toEqual([{ sku: d.inStock }]);

    expect((await send('crm.deal.cancelled', { dealId: d.dealId, reason: 'customer changed their mind' })).status).toBe(202);
    expect(await handle(d.workflowId).result()).toMatchObject({ outcome: 'cancelled', reason: 'customer changed their mind' });
    await expectOrderUndone(d.dealId);
    const {
      rows: [{ order_number: orderNumber }],
    } = await engine.pool.query('SELECT order_number FROM sales_orders WHERE deal_id = $1', [d.dealId]);
    expect(
      portalOrders()
        .filter((o) => o.reference === orderNumber)
        .map((o) => o.status),
    ).toEqual(['cancelled']);
    await engine.keepHistory(d.workflowId, 'cancelled');
  });

  it('after shipment is refused with the reason recorded, and the order runs to cash', async () => {
    const d = deal(await product(10));
    await sendEvent(engine.intakeUrl, engine.secret, d.event);
    await atStep(d.workflowId, 'in-delivery');
    expect((await send('crm.deal.cancelled', { dealId: d.dealId, reason: 'too late' })).status).toBe(202);
    const note = await eventually(
      async () => (await crmDeal(d.dealId)).notes.find((n) => n.startsWith('Cancellation refused')),
      'the refusal',
    );
    expect(note).toContain('already shipped');
    expect((await handle(d.workflowId).describe()).memo).toEqual({ cancellationRefused: 'Requested after shipment: too late' });
    expect(await deliverAndPay(d, [119])).toMatchObject({ outcome: 'paid' });
    // The refusal is a note: the deal's stages move forward only.
    expect((await crmDeal(d.dealId)).history.map((h) => h.stage)).toEqual(['ordered', 'shipped', 'invoiced', 'paid']);
    await engine.keepHistory(d.workflowId, 'cancellation-refused');
  });
});

it('books partial payments, keeps an overpayment as customer credit, and balances the ledger', async () => {
  const d = deal(await product(10));
  await sendEvent(engine.intakeUrl, engine.secret, d.event);
  const result = await deliverAndPay(d, [50, 50, 30]);
  expect(result.outcome).toBe('paid');
  expect(await ledgerFor(result.invoiceNumber!)).toEqual([
    { account: '1000 Bank', debit: 130, credit: 0 },
    { account: '1200 Receivables', debit: 119, credit: 119 },
    { account: '2200 VAT payable', debit: 0, credit: 19 },
    { account: '2400 Customer credits', debit: 0, credit: 11 },
    { account: '4000 Revenue', debit: 0, credit: 100 },
  ]);
  const { rows } = await engine.pool.query(
    'SELECT amount::float FROM customer_credits WHERE payment_id IN (SELECT payment_id FROM payments WHERE invoice_number = $1)',
    [result.invoiceNumber],
  );
  expect(rows).toEqual([{ amount: 11 }]);
  await engine.keepHistory(d.workflowId, 'partial-payments');
});

it('reminds the customer after the due date, then hands over to collections, until paid', async () => {
  const d = deal(await product(10), { paymentTermsDays: 0 });
  await sendEvent(engine.intakeUrl, engine.secret, d.event);
  await atStep(d.workflowId, 'in-delivery');
  await send('logistics.shipment.delivered', { dealId: d.dealId });
  const task = await openTaskFor(d.workflowId, 'collections');
  expect(task.assignee).toBe(settings.collectionsEmail);
  expect(await atStep(d.workflowId, 'collections')).toMatchObject({ waitingOn: 'Collections' });
  const reminders = (await mailTo(d.billingEmail)).map((m) => m.subject).filter((s) => s?.startsWith('Payment reminder'));
  expect(reminders).toHaveLength(2);

  await send('payments.payment.received', { dealId: d.dealId, paymentId: uniqueId('PAY'), amount: 119, currency: 'EUR' });
  expect(await handle(d.workflowId).result()).toMatchObject({ outcome: 'paid' });
  const {
    rows: [closed],
  } = await engine.pool.query('SELECT status FROM human_tasks WHERE task_id = $1', [task.taskId]);
  expect(closed.status).toBe('decided');
  await engine.keepHistory(d.workflowId, 'dunning-collections');
});

it('gives one order, one invoice and one e-mail of each kind when the same event is delivered five times', async () => {
  const d = deal(await product(10));
  const answers = await Promise.all([1, 2, 3, 4, 5].map(() => sendEvent(engine.intakeUrl, engine.secret, d.event)));
  expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 202]);
  await atStep(d.workflowId, 'in-delivery');
  for (let i = 0; i < 5; i++) await send('logistics.shipment.delivered', { dealId: d.dealId });
  const payment = eventFor('payments.payment.received', { dealId: d.dealId, paymentId: uniqueId('PAY'), amount: 119, currency: 'EUR' });
  await Promise.all([1, 2, 3, 4, 5].map(() => sendEvent(engine.intakeUrl, engine.secret, payment)));
  const result = (await handle(d.workflowId).result()) as OrderToCashResult;

  const counts = await engine.pool.query(
    `SELECT (SELECT count(*)::int FROM sales_orders WHERE deal_id = $1) AS orders,
            (SELECT count(*)::int FROM invoices WHERE order_number = $2) AS invoices,
            (SELECT count(*)::int FROM payments WHERE invoice_number = $3) AS payments`,
    [d.dealId, result.orderNumber, result.invoiceNumber],
  );
  expect(counts.rows[0]).toEqual({ orders: 1, invoices: 1, payments: 1 });
  expect((await mailTo(d.billingEmail)).map((m) => m.subject)).toEqual([`Invoice ${result.invoiceNumber}`]);
  expect(await mailTo(d.salesRepEmail)).toHaveLength(1);
  expect((await crmDeal(d.dealId)).history.map((h) => h.stage)).toEqual(['ordered', 'shipped', 'invoiced', 'paid']);
});

describe('the legacy ERP robot', () => {
  const browser = browserPool(testConfig());
  afterAll(() => browser.close());
  const robot = (overrides: Record<string, string> = {}) => robotsOf(legacyErp, { pool: engine.pool, browser }, overrides);

  async function salesOrder(lines: Array<{ sku: string; quantity: number; unitPrice: number }>) {
    const {
      rows: [customer],
    } = await engine.pool.query(
      `INSERT INTO customers (crm_account_id, company_name, country, billing_email) VALUES ($1, 'Robot GmbH', 'DE', 'r@x.test') RETURNING customer_number`,
      [uniqueId('ACC')],
    );
    const { createSalesOrder } = salesOrderActivities(engine.pool);
    return createSalesOrder({
      dealId: uniqueId('D'),
      customerNumber: customer.customer_number,
      currency: 'EUR',
      paymentTermsDays: 30,
      lines: lines.map((line) => ({ ...line, unitPrice: money(line.unitPrice, 'EUR') })),
    });
  }

  it('keys the order in through the browser and reads back the legacy number, once however often it runs', async () => {
    const { orderNumber } = await salesOrder([{ sku: await product(5), quantity: 2, unitPrice: 12.5 }]);
    const first = await robot().enterOrderInLegacyErp(orderNumber);
    const again = await robot().enterOrderInLegacyErp(orderNumber);
    expect(first.legacyOrderNumber).toMatch(/^L-\d{6}$/);
    expect(again).toEqual(first);
    const entered = portalOrders().filter((o) => o.reference === orderNumber);
    expect(entered).toEqual([
      expect.objectContaining({
        number: first.legacyOrderNumber,
        currency: 'EUR',
        lines: [expect.objectContaining({ quantity: 2, price: '12.50' })],
      }),
    ]);
    const {
      rows: [stored],
    } = await engine.pool.query('SELECT legacy_order_number FROM sales_orders WHERE order_number = $1', [orderNumber]);
    expect(stored.legacy_order_number).toBe(first.legacyOrderNumber);
  });

  it('reports the portal’s validation errors instead of retrying them', async () => {
    const { orderNumber } = await salesOrder([{ sku: await product(100_000), quantity: 10_000, unitPrice: 1 }]);
    await expect(robot().enterOrderInLegacyErp(orderNumber)).rejects.toMatchObject({
      type: 'PortalRefused',
      nonRetryable: true,
      message: expect.stringContaining('quantity must be a whole number from 1 to 9999'),
    });
  });

  it('refuses wrong credentials clearly', async () => {
    const { orderNumber } = await salesOrder([{ sku: await product(5), quantity: 1, unitPrice: 1 }]);
    const wrong = robot({ LEGACY_ERP_PASSWORD: 'not-the-password' });
    await expect(wrong.enterOrderInLegacyErp(orderNumber)).rejects.toMatchObject({ type: 'PortalSignInRefused', nonRetryable: true });
  });
});
