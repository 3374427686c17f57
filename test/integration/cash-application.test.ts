import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Booking, type StatementToWrite, camtStatement, mt940Statement } from '../../activities/bank/stand-in';
import type { CashApplicationSettings } from '../../contracts/bank';
import { type Money, formatMoney } from '../../contracts/money';
import type { OrderToCashResult } from '../../contracts/order';
import { type DealDesk, type InvoicedDeal, dealDesk, orderToCashTestSettings } from '../support/deals';
import { officeflowCli } from '../support/cli';
import { TEST_AUDITOR, TEST_OPERATOR, type TestEngine, eventually, startTestEngine, uniqueId } from '../support/engine';
import { freshStateDir } from '../support/local-env';

/**
 * Cash application on the real stack: statements as a bank writes them (camt.053 in both versions banks send, MT940),
 * uploaded as an operator does; each customer payment matched to the invoices it pays (by RF reference, by invoice
 * number, by amount for Finance to choose) and applied, so those orders' runs book it and end paid. Re-imported
 * statements, reversals and bank charges book nothing.
 */

const OUR_ACCOUNT = 'DE89370400440532013000';
const finance = 'receivables@finance.test';
const cashSettings: CashApplicationSettings = { financeEmail: finance, applyWithin: '1 hour', applyAtConfidence: 0.9 };

// Where the bank's software drops statements for the intake to take.
const dropFolder = freshStateDir('officeflow-bank-drop-');
let engine: TestEngine;
let desk: DealDesk;
beforeAll(async () => {
  engine = await startTestEngine({
    settings: { 'order-to-cash': orderToCashTestSettings, 'cash-application': cashSettings },
    env: { BANK_STATEMENT_DIR: dropFolder },
  });
  desk = dealDesk(engine);
});
afterAll(() => engine.stop());

/** Uploads a statement file as an operator does: the intake's answer. */
async function upload(name: string, content: string, as = TEST_OPERATOR) {
  const response = await fetch(`${engine.intakeUrl}/bank/statements?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/xml', ...(await engine.signedInAs(as)) },
    body: content,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const paid = (invoice: InvoicedDeal) => desk.handle(invoice.workflowId).result() as Promise<OrderToCashResult>;
const paymentsOn = async (invoice: InvoicedDeal) =>
  (await engine.pool.query(`SELECT payment_id, amount::text FROM payments WHERE invoice_number = $1`, [invoice.invoiceNumber])).rows;
/** The cash application that applied a payment to the invoice, once it has finished. */
async function applicationOf(invoice: InvoicedDeal) {
  const { rows } = await engine.pool.query(`SELECT line_key FROM payment_allocations WHERE invoice_number = $1`, [invoice.invoiceNumber]);
  const workflowId = `cash-application-${rows[0].line_key}`;
  return { workflowId, result: await desk.handle(workflowId).result() };
}
const sum = (...amounts: Money[]): Money => ({ amount: amounts.reduce((total, m) => total + m.amount, 0), currency: 'EUR' });

/** A statement of ours, with a bank's noise around the payments: the account's charges and a reversed transfer. */
const statementOf = (bookings: Array<Omit<Booking, 'bookedOn' | 'credit'>>): StatementToWrite => {
  const today = new Date().toISOString().slice(0, 10);
  const ref = () => uniqueId('BR').toUpperCase().slice(0, 16);
  return {
    account: OUR_ACCOUNT,
    statementId: uniqueId('STMT'),
    bookings: [
      ...bookings.map((b) => ({ ...b, credit: true, bookedOn: today })),
      {
        amount: { amount: 1290, currency: 'EUR' },
        credit: false,
        bookedOn: today,
        bankReference: ref(),
        bankCode: 'ACMT/MDOP/CHRG',
        text: 'Kontoführung',
      },
      {
        amount: { amount: 4711, currency: 'EUR' },
        credit: true,
        reversal: true,
        bookedOn: today,
        bankReference: ref(),
        counterpartyName: 'Somebody Else Ltd',
        text: 'RUECKBUCHUNG',
      },
    ],
  };
};

it('settles three invoices from a camt.053: by RF reference, by invoice number in the text, and two by one transfer; once however often it comes', async () => {
  const [a, b, c, d] = [await desk.invoiced(), await desk.invoiced(), await desk.invoiced(), await desk.invoiced()];
  const ref = () => uniqueId('BR').toUpperCase().slice(0, 16);
  const statement = statementOf([
    {
      amount: a.gross,
      bankReference: ref(),
      counterpartyName: a.customerName,
      counterpartyIban: 'DE02120300000000202051',
      reference: a.reference,
    },
    { amount: b.gross, bankReference: ref(), counterpartyName: 'Accounts Payable', text: `Invoice ${b.invoiceNumber}, thank you` },
    {
      amount: sum(c.gross, d.gross),
      bankReference: ref(),
      counterpartyName: c.customerName,
      text: `Rg. ${c.invoiceNumber} + ${d.invoiceNumber}`,
    },
  ]);
  const file = camtStatement(statement, { version: '08' });

  const imported = await upload('statement-053-08.xml', file);
  expect(imported).toMatchObject({
    status: 201,
    body: { outcome: 'imported', checkedAgainst: 'camt.053.001.08', newLines: { payment: 3, charges: 1, reversal: 1 }, knownLines: 0 },
  });
  for (const invoice of [a, b, c, d]) expect(await paid(invoice)).toMatchObject({ outcome: 'paid' });
  // The ledger booked each payment on the bank account; the combined transfer is split over its two invoices.
  for (const invoice of [a, b, c, d])
    expect(await paymentsOn(invoice)).toEqual([{ payment_id: expect.stringMatching(/^BL-/), amount: expect.any(String) }]);
  expect((await desk.ledgerFor(c.invoiceNumber)).find((row) => row.account.startsWith('1200'))).toMatchObject({
    credit: c.gross.amount / 100,
  });
  const byReference = await applicationOf(a);
  expect(byReference.result).toEqual({ outcome: 'applied', invoiceNumbers: [a.invoiceNumber], appliedBy: 'officeflow' });
  await engine.keepHistory(byReference.workflowId, 'applied-by-reference');
  const twoInvoices = await applicationOf(c);
  expect(twoInvoices.result).toMatchObject({ invoiceNumbers: [c.invoiceNumber, d.invoiceNumber] });
  await engine.keepHistory(twoInvoices.workflowId, 'one-transfer-two-invoices');

  // The same file again, and an overlapping camt.054 of the same bookings: nothing new, nothing booked twice.
  expect(await upload('statement-053-08-again.xml', file)).toMatchObject({ status: 200, body: { alreadyImported: true } });
  expect(await upload('notification.xml', camtStatement(statement, { notification: true }))).toMatchObject({
    status: 201,
    body: { newLines: {}, knownLines: 5 },
  });
  for (const invoice of [a, b, c, d]) expect(await paymentsOn(invoice)).toHaveLength(1);
  // The reversal and the charges were read for what they are: no cash application began for them.
  const { rows } = await engine.pool.query(
    `SELECT l.kind, count(s.event_key)::int AS applications FROM bank_lines l LEFT JOIN source_events s ON s.source = 'bank' AND s.event_key = l.line_key
      WHERE l.statement_id = $1 GROUP BY l.kind ORDER BY l.kind`,
    [statement.statementId],
  );
  expect(rows).toEqual([
    { kind: 'charges', applications: 0 },
    { kind: 'payment', applications: 3 },
    { kind: 'reversal', applications: 0 },
  ]);
});

it('settles invoices from an MT940 and a camt.053.001.02 the same way', async () => {
  const [a, b] = [await desk.invoiced(), await desk.invoiced()];
  const ref = () => uniqueId('BR').toUpperCase().slice(0, 16);
  const mt940 = mt940Statement(
    statementOf([{ amount: a.gross, bankReference: ref(), counterpartyName: a.customerName, text: `${a.reference} thanks` }]),
  );
  expect(await upload('statement.sta', mt940)).toMatchObject({
    status: 201,
    body: { format: 'mt940', newLines: { payment: 1, charges: 1, reversal: 1 } },
  });
  const camt02 = camtStatement(statementOf([{ amount: b.gross, bankReference: ref(), reference: b.reference }]), { version: '02' });
  expect(await upload('statement-053-02.xml', camt02)).toMatchObject({ status: 201, body: { format: 'camt.053.001.02' } });
  for (const invoice of [a, b]) expect(await paid(invoice)).toMatchObject({ outcome: 'paid' });
});

it('asks Finance about a payment it cannot place, listing the candidates; Finance’s choice settles the right run', async () => {
  // Two customers owe the same: a transfer of that amount with no reference could be either's.
  const price = Number((100 + Math.random() * 900).toFixed(2));
  const [a, b] = [await desk.invoiced(price), await desk.invoiced(price)];
  const statement = statementOf([
    { amount: a.gross, bankReference: uniqueId('BR').toUpperCase().slice(0, 16), counterpartyName: 'J. Smith', text: 'Payment' },
  ]);
  expect((await upload('ambiguous.xml', camtStatement(statement))).status).toBe(201);

  const task = await eventually(async () => {
    const { rows } = await engine.pool.query(
      `SELECT task_id, choices FROM human_tasks WHERE assignee = $1 AND status = 'open' AND title LIKE $2`,
      [finance, `%${statement.bookings[0].bankReference}%`],
    );
    return rows[0] as { task_id: string; choices: Array<{ id: string; label: string }> } | undefined;
  }, 'the task for Finance');
  expect(task.choices.map((choice) => choice.id)).toEqual(expect.arrayContaining([a.invoiceNumber, b.invoiceNumber]));
  expect(task.choices.find((choice) => choice.id === b.invoiceNumber)!.label).toContain('the amount paid');

  const asFinance = async (body: object) => {
    const response = await fetch(`${engine.intakeUrl}/tasks/${encodeURIComponent(task.task_id)}/decision`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await engine.signedInAs(finance)) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  // Approving needs a choice, among those offered.
  expect(await asFinance({ decision: 'approve' })).toMatchObject({
    status: 400,
    body: { message: expect.stringContaining('needs a choice') },
  });
  expect((await asFinance({ decision: 'approve', chosen: ['INV-999999'] })).status).toBe(400);
  expect(await asFinance({ decision: 'approve', chosen: [b.invoiceNumber], comment: 'J. Smith pays for B' })).toMatchObject({
    status: 200,
  });
  expect(await paid(b)).toMatchObject({ outcome: 'paid' });
  expect(await paymentsOn(a)).toEqual([]);
  const chosen = await applicationOf(b);
  expect(chosen.result).toEqual({ outcome: 'applied', invoiceNumbers: [b.invoiceNumber], appliedBy: finance });
  await engine.keepHistory(chosen.workflowId, 'chosen-by-finance');
  const { rows } = await engine.pool.query(`SELECT applied_by, reason FROM payment_allocations WHERE invoice_number = $1`, [
    b.invoiceNumber,
  ]);
  expect(rows).toEqual([{ applied_by: finance, reason: expect.stringContaining('J. Smith pays for B') }]);
});

it('lets Finance name an invoice the candidates missed, and asks again when what it named is not one', async () => {
  const missed = await desk.invoiced(50);
  const payment = uniqueId('BR').toUpperCase().slice(0, 16);
  const statement = statementOf([{ amount: { amount: 777_77, currency: 'EUR' }, bankReference: payment, text: 'see remittance advice' }]);
  expect((await upload('advice.xml', camtStatement(statement))).status).toBe(201);
  const openTask = (round: string) =>
    eventually(async () => {
      const { rows } = await engine.pool.query(
        `SELECT task_id, details FROM human_tasks WHERE assignee = $1 AND status = 'open' AND title LIKE $2 AND task_id LIKE $3`,
        [finance, `%${payment}%`, `%:${round}`],
      );
      return rows[0] as { task_id: string; details: string } | undefined;
    }, `Finance's task ${round}`);
  const decide = async (taskId: string, body: object) =>
    (
      await fetch(`${engine.intakeUrl}/tasks/${encodeURIComponent(taskId)}/decision`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await engine.signedInAs(finance)) },
        body: JSON.stringify(body),
      })
    ).status;
  expect(
    await decide((await openTask('apply-payment')).task_id, {
      decision: 'approve',
      chosen: ['another-invoice'],
      comment: 'the advice says so',
    }),
  ).toBe(200);
  const again = await openTask('apply-payment-2');
  expect(again.details).toContain('Your last choice was not applied: no invoice number in the comment');
  expect(
    await decide(again.task_id, { decision: 'approve', chosen: ['another-invoice'], comment: `It pays ${missed.invoiceNumber}` }),
  ).toBe(200);
  // 777.77 for 59.50: the invoice is paid, the rest the customer's credit.
  expect(await paid(missed)).toMatchObject({ outcome: 'paid' });
  expect(await paymentsOn(missed)).toEqual([{ payment_id: expect.stringMatching(/^BL-/), amount: '777.77' }]);
  const named = await applicationOf(missed);
  expect(named.result).toEqual({ outcome: 'applied', invoiceNumbers: [missed.invoiceNumber], appliedBy: finance });
  await engine.keepHistory(named.workflowId, 'named-by-finance-on-second-asking');
});

it('takes a payment in parts, books an over-payment as the customer’s credit, and never converts another currency', async () => {
  const [partly, over, dollars] = [await desk.invoiced(), await desk.invoiced(), await desk.invoiced()];
  const ref = () => uniqueId('BR').toUpperCase().slice(0, 16);
  const half = { amount: Math.floor(partly.gross.amount / 2), currency: 'EUR' };
  const rest = { amount: partly.gross.amount - half.amount, currency: 'EUR' };
  const extra = { amount: 1000, currency: 'EUR' };
  expect(
    (
      await upload(
        'mixed.xml',
        camtStatement(
          statementOf([
            { amount: half, bankReference: ref(), reference: partly.reference },
            { amount: sum(over.gross, extra), bankReference: ref(), reference: over.reference },
            { amount: { amount: dollars.gross.amount, currency: 'USD' }, bankReference: ref(), reference: dollars.reference },
          ]),
        ),
      )
    ).status,
  ).toBe(201);
  expect(await paid(over)).toMatchObject({ outcome: 'paid' });
  const { rows: credits } = await engine.pool.query(
    `SELECT c.amount::text FROM customer_credits c JOIN payments p USING (payment_id) WHERE p.invoice_number = $1`,
    [over.invoiceNumber],
  );
  expect(credits).toEqual([{ amount: '10.00' }]);
  // Half paid: the run still waits for the rest, which the next statement brings.
  await eventually(async () => ((await paymentsOn(partly)).length === 1 ? true : undefined), 'the first half booked');
  expect(
    await upload('rest.xml', camtStatement(statementOf([{ amount: rest, bankReference: ref(), text: `rest of ${partly.invoiceNumber}` }]))),
  ).toMatchObject({
    status: 201,
  });
  expect(await paid(partly)).toMatchObject({ outcome: 'paid' });

  // Dollars for a euro invoice: Finance hears of it, and may only leave it unapplied (to be sent back).
  const task = await eventually(async () => {
    const { rows } = await engine.pool.query(
      `SELECT task_id, choices, verdicts, details FROM human_tasks WHERE assignee = $1 AND status = 'open' AND details LIKE $2`,
      [finance, `%${dollars.invoiceNumber}%`],
    );
    return rows[0] as { task_id: string; choices: unknown; verdicts: string[]; details: string } | undefined;
  }, 'the task about the dollars');
  // The euro invoice cannot be ticked; Finance may name another invoice, or leave it.
  expect(task).toMatchObject({ choices: [{ id: 'another-invoice' }], details: expect.stringContaining('officeflow never converts') });
  const response = await fetch(`${engine.intakeUrl}/tasks/${encodeURIComponent(task.task_id)}/decision`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await engine.signedInAs(finance)) },
    body: JSON.stringify({ decision: 'reject', comment: 'paid in USD by mistake: sent back' }),
  });
  expect(response.status).toBe(200);
  expect(await paymentsOn(dollars)).toEqual([]);
});

it('applies one of two transfers for the same invoice and asks Finance about the other, never crediting it unasked', async () => {
  const invoice = await desk.invoiced();
  const ref = () => uniqueId('BR').toUpperCase().slice(0, 16);
  const twice = statementOf([
    { amount: invoice.gross, bankReference: ref(), reference: invoice.reference },
    { amount: invoice.gross, bankReference: ref(), reference: invoice.reference },
  ]);
  expect((await upload('twice.xml', camtStatement(twice))).status).toBe(201);
  expect(await paid(invoice)).toMatchObject({ outcome: 'paid' });
  // Whichever came second found the invoice settled (or lost the race to it): Finance decides, nothing is booked.
  const task = await eventually(async () => {
    const { rows } = await engine.pool.query(`SELECT title FROM human_tasks WHERE assignee = $1 AND status = 'open' AND details LIKE $2`, [
      finance,
      `%${invoice.reference}%`,
    ]);
    return rows[0] as { title: string } | undefined;
  }, 'the task about the second transfer');
  expect(task.title).toContain(`Apply ${formatMoney(invoice.gross)}`);
  expect(await paymentsOn(invoice)).toHaveLength(1);
});

it('refuses a malformed statement and one for an account not ours, naming the file and the element, and books nothing', async () => {
  const a = await desk.invoiced();
  const good = camtStatement(
    statementOf([{ amount: a.gross, bankReference: uniqueId('BR').toUpperCase().slice(0, 16), reference: a.reference }]),
  );
  const broken = good.replace(/<Amt Ccy="EUR">([\d.]+)<\/Amt>/, '<Amt Ccy="EUR">1x$1</Amt>');
  const refused = await upload('broken.xml', broken);
  expect(refused).toMatchObject({
    status: 422,
    body: { error: 'statement_refused', message: expect.stringMatching(/^broken\.xml: line \d+ .*Element 'Amt'/) },
  });
  const foreign = await upload('foreign.xml', good.replace(OUR_ACCOUNT, 'DE02500105170137075030'));
  expect(foreign).toMatchObject({
    status: 422,
    body: { message: 'foreign.xml: account DE02500105170137075030 is not one of ours (BANK_ACCOUNTS)' },
  });
  // Kept for a person to read, with why; nothing of them booked.
  const { rows } = await engine.pool.query(
    `SELECT file_name, outcome FROM bank_statement_files WHERE file_id = ANY($1) ORDER BY file_name`,
    [[refused.body.fileId, foreign.body.fileId]],
  );
  expect(rows).toEqual([
    { file_name: 'broken.xml', outcome: 'refused' },
    { file_name: 'foreign.xml', outcome: 'refused' },
  ]);
  expect(await paymentsOn(a)).toEqual([]);
  // A bank reference that comes back with another amount is another booking the bank named alike: refused, not dropped.
  const reused = uniqueId('BR').toUpperCase().slice(0, 16);
  expect(
    (
      await upload(
        'first.xml',
        camtStatement(statementOf([{ amount: { amount: 1234, currency: 'EUR' }, bankReference: reused, text: 'x' }])),
      )
    ).status,
  ).toBe(201);
  expect(
    await upload(
      'second.xml',
      camtStatement(statementOf([{ amount: { amount: 4321, currency: 'EUR' }, bankReference: reused, text: 'y' }])),
    ),
  ).toMatchObject({
    status: 422,
    body: { message: expect.stringMatching(/^second\.xml: entry .* was imported before as another booking/) },
  });
  // Only operators (and cash application's owners) import statements.
  expect((await upload('good.xml', good, 'someone@customer.test')).status).toBe(403);
});

it('takes statements the bank drops into the watched folder, and from the CLI; operators and auditors list what came', async () => {
  const [byFolder, byCli] = [await desk.invoiced(), await desk.invoiced()];
  const ref = () => uniqueId('BR').toUpperCase().slice(0, 16);
  writeFileSync(
    path.join(dropFolder, 'today.sta'),
    mt940Statement(statementOf([{ amount: byFolder.gross, bankReference: ref(), reference: byFolder.reference }])),
  );
  writeFileSync(path.join(dropFolder, 'broken.xml'), '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>');
  expect(await paid(byFolder)).toMatchObject({ outcome: 'paid' });
  // Each file moved out of the way: the imported one, and the refused one beside why.
  const refusedDir = path.join(dropFolder, 'refused');
  await eventually(
    async () => (readdirSync(refusedDir).some((name) => name.endsWith('broken.xml.why.txt')) ? true : undefined),
    'the refused file',
  );
  expect(readdirSync(path.join(dropFolder, 'imported'))).toEqual([expect.stringMatching(/-today\.sta$/)]);
  expect(readdirSync(dropFolder).filter((name) => !['imported', 'refused', 'failed'].includes(name))).toEqual([]);
  const why = readFileSync(
    path.join(
      refusedDir,
      readdirSync(refusedDir).find((name) => name.endsWith('.why.txt'))!,
    ),
    'utf8',
  );
  expect(why).toMatch(/^broken\.xml: /);

  const file = path.join(freshStateDir('officeflow-bank-cli-'), 'statement.xml');
  writeFileSync(
    file,
    camtStatement(statementOf([{ amount: byCli.gross, bankReference: ref(), text: byCli.invoiceNumber }]), { version: '02' }),
  );
  const cli = officeflowCli(engine);
  const imported = await cli.run('bank', 'import', file, '--as', TEST_OPERATOR);
  expect(imported).toMatchObject({
    code: 0,
    stdout: expect.stringMatching(/^statement\.xml \(camt\.053\.001\.02\): 1 payment, 1 charges, 1 reversal/),
  });
  expect(await paid(byCli)).toMatchObject({ outcome: 'paid' });
  const lines = await cli.json<Array<{ appliedTo: string | null; kind: string }>>(
    'bank',
    'lines',
    '--kind',
    'payment',
    '--as',
    TEST_AUDITOR,
  );
  expect(lines.some((line) => line.appliedTo === byCli.invoiceNumber)).toBe(true);
  const files = await cli.json<Array<{ fileName: string; outcome: string }>>('bank', 'statements', '--as', TEST_AUDITOR);
  expect(files).toEqual(expect.arrayContaining([expect.objectContaining({ fileName: 'broken.xml', outcome: 'refused' })]));
});
