import { readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import pino from 'pino';
import { validateXML } from 'xmllint-wasm';
import { refundRuns } from '../../activities/bank/refund-runs';
import type { RefundRunResult, RefundRunSettings } from '../../contracts/refunds';
import { type DealDesk, dealDesk, orderToCashTestSettings } from '../support/deals';
import { type TestEngine, eventually, startTestEngine, startedRun, uniqueId } from '../support/engine';
import { freshStateDir } from '../support/local-env';
import { taskDesk } from '../support/tasks';
import { nearestPainSchema } from '../support/iso20022';

/**
 * Refunds out as SEPA credit transfers on the real stack: what customers are owed back (an over-payment, a credit note
 * on a paid invoice) becomes a refund run's pain.001.001.09 file, which only a second person in Finance releases to
 * the bank's folder; each refund is in one released file only, and a rejected run gives its refunds back.
 */

const treasury = 'treasury@finance.test';
const headOfFinance = 'head@finance.test';
const receivables = 'ar@finance.test';
const refundSettings: RefundRunSettings = {
  approverEmail: treasury,
  escalateTo: headOfFinance,
  releaseWithin: '1 hour',
  executeAfterDays: 1,
};
const CUSTOMER_IBAN = 'DE02120300000000202051';

const paymentFolder = freshStateDir('officeflow-bank-payments-');
let engine: TestEngine;
let desk: DealDesk;
let tasks: ReturnType<typeof taskDesk>;
beforeAll(async () => {
  engine = await startTestEngine({
    settings: {
      'order-to-cash': { ...orderToCashTestSettings, returnWindow: '1 hour' },
      'refund-run': refundSettings,
    },
    env: { BANK_PAYMENT_DIR: paymentFolder, OFFICEFLOW_PROCESS_OWNERS: `refund-run=${treasury},refund-run=${receivables}` },
  });
  desk = dealDesk(engine);
  tasks = taskDesk(engine);
});
afterAll(() => engine.stop());

/** A paid order whose customer is owed money back: paid 10.00 too much, or paid and then a return credited. */
async function owedBack(how: 'over-payment' | 'return') {
  const sku = await desk.product(5);
  const d = desk.deal(sku, { unitPrice: 100, customer: { iban: 'DE02 1203 0000 0000 2020 51' } });
  expect((await desk.send('crm.deal.closed_won', d.event.data as Record<string, unknown>)).status).toBe(202);
  await desk.deliver(d);
  await desk.atStep(d.workflowId, 'awaiting-payment');
  const paid = how === 'over-payment' ? 129 : 119;
  expect(
    (await desk.send('payments.payment.received', { dealId: d.dealId, paymentId: uniqueId('PAY'), amount: paid, currency: 'EUR' })).status,
  ).toBe(202);
  await desk.atStep(d.workflowId, 'return-window');
  if (how === 'return') {
    await desk.send('logistics.return.received', {
      dealId: d.dealId,
      returnId: `${d.dealId}-R1`,
      lines: [{ sku, quantity: 1 }],
      reason: 'Broken',
    });
  }
  return eventually(async () => {
    const { rows } = await engine.pool.query(
      `SELECT d.invoice_number, d.customer_number, d.owed::text FROM refunds_due d JOIN invoices i USING (invoice_number)
         JOIN sales_orders o USING (order_number) WHERE o.deal_id = $1 AND d.owed > 0`,
      [d.dealId],
    );
    return rows[0] as { invoice_number: string; customer_number: string; owed: string } | undefined;
  }, `what ${d.dealId} is owed back`);
}

/** Asks for a refund run of these customers as `person` does (`officeflow bank refunds`): its workflow id. */
async function askForRun(person: string, customers: string[], runId = uniqueId('RR')) {
  const url = new URL('/bank/refund-runs', engine.intakeUrl);
  url.searchParams.set('runId', runId);
  for (const customer of customers) url.searchParams.append('customer', customer);
  const response = await fetch(url, { method: 'POST', headers: await engine.signedInAs(person) });
  expect(response.status).toBe(202);
  return { runId, workflowId: ((await response.json()) as { workflowId: string }).workflowId };
}

const resultOf = async (workflowId: string): Promise<RefundRunResult> => (await startedRun(engine, workflowId)).result();
const parsed = (xml: string) => new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(xml);

it('pays what customers are owed back in one pain.001.001.09 file that only a second person releases, and never again', async () => {
  const [overPaid, returned] = [await owedBack('over-payment'), await owedBack('return')];
  expect([overPaid.owed, returned.owed]).toEqual(['10.00', '119.00']);
  const customers = [overPaid.customer_number, returned.customer_number];

  // The treasury asks: four eyes give the release to the head of finance, and refuse the treasury's own.
  const run = await askForRun(treasury, customers);
  const task = await tasks.openTaskFor(run.workflowId, 'release-refund-run');
  expect(task).toMatchObject({ assignee: headOfFinance, title: `Release refund run ${run.runId}: 2 transfers, €129.00` });
  expect((await tasks.decide(task.taskId, treasury, 'approve')).status).toBe(403);

  // Before release the file is kept, not sent; after it, in the bank's folder, valid, each refund once.
  const { rows: runs } = await engine.pool.query(`SELECT status, document_key FROM payment_runs WHERE run_id = $1`, [run.runId]);
  expect(runs).toEqual([{ status: 'awaiting-approval', document_key: `payment-runs/${run.runId}.xml` }]);
  expect(readdirSync(paymentFolder)).not.toContain(`${run.runId}.xml`);
  expect((await tasks.decide(task.taskId, headOfFinance, 'approve')).status).toBe(200);
  expect(await resultOf(run.workflowId)).toMatchObject({ outcome: 'released', transfers: 2, releasedBy: headOfFinance });
  await engine.keepHistory(run.workflowId, 'released-by-a-second-person');

  const xml = readFileSync(path.join(paymentFolder, `${run.runId}.xml`), 'utf8');
  const initiation = parsed(xml).Document.CstmrCdtTrfInitn;
  expect(parsed(xml).Document['@_xmlns']).toBe('urn:iso:std:iso:20022:tech:xsd:pain.001.001.09');
  expect(initiation.GrpHdr).toMatchObject({ MsgId: run.runId, NbOfTxs: '2', CtrlSum: '129.00' });
  const transfers = [initiation.PmtInf.CdtTrfTxInf].flat();
  type Transfer = { Amt: { InstdAmt: { '#text': string } }; CdtrAcct: { Id: { IBAN: string } } };
  // In the order of their invoices.
  expect(transfers.map((t: Transfer) => [t.Amt.InstdAmt['#text'], t.CdtrAcct.Id.IBAN])).toEqual([
    ['10.00', CUSTOMER_IBAN],
    ['119.00', CUSTOMER_IBAN],
  ]);
  expect(initiation.PmtInf.DbtrAcct.Id.IBAN).toBe('DE89370400440532013000');
  const schema = await nearestPainSchema();
  const checked = await validateXML({ xml: [{ fileName: 'run.xml', contents: schema.asItsVersion(xml) }], schema: [schema.file] });
  expect(checked.errors).toEqual([]);

  // Booked once: what was owed to the customers left the bank.
  const { rows: ledger } = await engine.pool.query(
    `SELECT a.role, sum(l.debit)::text AS debit, sum(l.credit)::text AS credit FROM journal_lines l JOIN ledger_accounts a ON a.code = l.account
      WHERE l.entry_key IN (SELECT 'refund/' || refund_key FROM refunds WHERE payment_run = $1) GROUP BY a.role ORDER BY a.role`,
    [run.runId],
  );
  expect(ledger).toEqual([
    { role: 'bank', debit: '0.00', credit: '129.00' },
    { role: 'customerCredits', debit: '129.00', credit: '0.00' },
  ]);

  // The bank's software takes the file; a retried release neither hands it over again nor books again.
  rmSync(path.join(paymentFolder, `${run.runId}.xml`));
  await refundRuns(engine.pool, { paymentDir: paymentFolder, log: pino({ level: 'silent' }) }).releaseRefundRun({
    runId: run.runId,
    releasedBy: headOfFinance,
  });
  expect(readdirSync(paymentFolder)).not.toContain(`${run.runId}.xml`);

  // A second run owes them nothing.
  const again = await askForRun(treasury, customers);
  expect(await resultOf(again.workflowId)).toEqual({ outcome: 'nothing-to-refund', leftOut: 0 });
  await engine.keepHistory(again.workflowId, 'nothing-to-refund');
  const { rows: listed } = await engine.pool.query(
    `SELECT invoice_number, count(*)::int AS runs FROM refunds WHERE invoice_number = ANY($1) AND withdrawn_at IS NULL GROUP BY invoice_number`,
    [[overPaid.invoice_number, returned.invoice_number]],
  );
  expect(listed).toHaveLength(2);
  expect(listed.every((row: { runs: number }) => row.runs === 1)).toBe(true);
});

it('keeps a rejected run from the bank and puts its refunds in the next run', async () => {
  const overPaid = await owedBack('over-payment');
  const first = await askForRun(receivables, [overPaid.customer_number]);
  const task = await tasks.openTaskFor(first.workflowId, 'release-refund-run');
  expect(task.assignee).toBe(treasury);
  // A rejection says why.
  expect((await tasks.decide(task.taskId, treasury, 'reject')).status).toBe(422);
  expect((await tasks.decide(task.taskId, treasury, 'reject', 'the customer asked us to keep it as credit for now')).status).toBe(200);
  expect(await resultOf(first.workflowId)).toMatchObject({ outcome: 'rejected', transfers: 1, rejectedBy: treasury });
  await engine.keepHistory(first.workflowId, 'rejected');
  expect(readdirSync(paymentFolder)).not.toContain(`${first.runId}.xml`);

  const second = await askForRun(receivables, [overPaid.customer_number]);
  const next = await tasks.openTaskFor(second.workflowId, 'release-refund-run');
  expect(next.title).toBe(`Release refund run ${second.runId}: 1 transfers, €10.00`);
  expect((await tasks.decide(next.taskId, treasury, 'approve')).status).toBe(200);
  expect(await resultOf(second.workflowId)).toMatchObject({ outcome: 'released', transfers: 1 });
  const { rows } = await engine.pool.query(
    `SELECT payment_run, withdrawn_at IS NOT NULL AS withdrawn FROM refunds WHERE invoice_number = $1 ORDER BY created_at`,
    [overPaid.invoice_number],
  );
  expect(rows).toEqual([
    { payment_run: first.runId, withdrawn: true },
    { payment_run: second.runId, withdrawn: false },
  ]);
});

it('lets only the owners of refund runs ask for one', async () => {
  const response = await fetch(new URL('/bank/refund-runs', engine.intakeUrl), {
    method: 'POST',
    headers: await engine.signedInAs('someone@sales.test'),
  });
  expect(response.status).toBe(403);
});
