import type { ReceivedMail } from '../../activities/mail/sink';
import { company } from '../../config/company';
import { sendEvent } from '../../web/events/send';
import { type TestEngine, attachmentsOf, eventually, mailTo, startTestEngine } from '../support/engine';
import { dealDesk, orderToCashTestSettings } from '../support/deals';
import { type ReadEInvoice, readEInvoice } from '../support/e-invoice';
import { pdfAttachment, pdfText } from '../support/pdf';

const settings = orderToCashTestSettings;

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine({ settings: { 'order-to-cash': settings } });
});
afterAll(() => engine.stop());

const deals = () => dealDesk(engine);
const address = { street: 'Rue de Rivoli 10', postalCode: '75001', city: 'Paris' };

/** A document as its reader sees it: the PDF's text (whitespace as single spaces) and the e-invoice a system reads. */
async function documentsOf(mail: ReceivedMail) {
  const files = await attachmentsOf(mail);
  const pdf = files.find((file) => file.contentType === 'application/pdf')!;
  // XRechnung travels as XML beside the PDF; Factur-X inside it.
  const xml = files.find((file) => file.filename?.endsWith('.xml'))?.content ?? (await pdfAttachment(pdf.content, 'factur-x.xml'));
  return { files, text: (await pdfText(pdf.content)).replace(/\s+/g, ' '), eInvoice: readEInvoice(xml!) };
}

/** A won deal of two items at 250 each for this customer, shipped and delivered: its invoice as the customer got it. */
async function invoiceTo(customer: Record<string, unknown>) {
  const sku = await deals().product(10);
  const d = deals().deal(sku, { quantity: 2, unitPrice: 250, customer });
  expect((await sendEvent(engine.intakeUrl, engine.secret, d.event)).status).toBe(202);
  await deals().deliver(d);
  const mail = await eventually(
    async () => (await mailTo(d.billingEmail)).find((m) => m.subject?.startsWith('Invoice ')),
    'the invoice e-mail',
    30_000,
  );
  const invoiceNumber = mail.subject!.replace('Invoice ', '');
  const {
    rows: [booked],
  } = await engine.pool.query('SELECT payment_reference, vat_treatment FROM invoices WHERE invoice_number = $1', [invoiceNumber]);
  return { d, sku, invoiceNumber, booked, ...(await documentsOf(mail)) };
}

/** EN 16931's arithmetic: each VAT amount is its taxable amount at its rate, and the totals add up. */
function expectConsistentTotals({ vat, totals }: ReadEInvoice) {
  const sum = (values: number[]) => Math.round(values.reduce((a, b) => a + b, 0) * 100) / 100;
  for (const line of vat) expect(line.tax).toBeCloseTo((line.taxable * line.percent) / 100, 2);
  expect(totals.net).toBeCloseTo(sum(vat.map((line) => line.taxable)), 2);
  expect(totals.tax).toBeCloseTo(sum(vat.map((line) => line.tax)), 2);
  expect(totals.gross).toBeCloseTo(totals.net + totals.tax, 2);
  expect(totals.payable).toBeCloseTo(totals.gross, 2);
}

const seller = { name: company.legalName, vatId: company.vatId, country: company.country };

it('invoices a German business at 19 %: Factur-X with its XML inside the PDF, every required item on the page', async () => {
  const buyer = { country: 'DE', vatId: 'DE298745638', address: { street: 'Hafenstraße 12', postalCode: '20457', city: 'Hamburg' } };
  const invoice = await invoiceTo(buyer);

  expect(invoice.files.map((file) => file.filename)).toEqual([`${invoice.invoiceNumber}.pdf`]);
  expect(invoice.eInvoice).toMatchObject({
    syntax: 'CII',
    guideline: expect.stringContaining('urn:cen.eu:en16931:2017'),
    number: invoice.invoiceNumber,
    typeCode: '380',
    seller,
    buyer: { vatId: 'DE298745638', country: 'DE' },
    vat: [{ category: 'S', percent: 19, taxable: 500, tax: 95 }],
    totals: { net: 500, tax: 95, gross: 595, payable: 595 },
  });
  expectConsistentTotals(invoice.eInvoice);
  expect(invoice.booked).toMatchObject({ vat_treatment: 'domestic', payment_reference: expect.stringMatching(/^RF\d{2}INV\d{6}$/) });
  for (const item of [
    `Invoice ${invoice.invoiceNumber}`,
    company.legalName,
    `VAT ID ${company.vatId}`,
    `Tax number ${company.taxNumber}`,
    'Hafenstraße 12 20457 Hamburg Deutschland',
    'VAT ID DE298745638',
    'Issue date',
    'Date of supply',
    invoice.sku,
    // Amounts as a German reader writes them.
    '250,00 €',
    'Taxable amount at 19 % 500,00 €',
    'VAT 19 % 95,00 €',
    'Total due 595,00 €',
    'IBAN DE89 3704 0044 0532 0130 00',
    invoice.booked.payment_reference,
  ]) {
    expect(invoice.text).toContain(item);
  }
  // The XML is kept beside the PDF in the document store.
  const { rows } = await engine.pool.query('SELECT content_type FROM documents WHERE document_key LIKE $1 ORDER BY document_key', [
    `invoice/${invoice.invoiceNumber}%`,
  ]);
  expect(rows).toEqual([{ content_type: 'application/pdf' }, { content_type: 'application/xml' }]);
  await deals().pay(invoice.d, [595]);
});

it('reverse-charges a French business with a VAT ID: 0 %, its legend, and XRechnung CII beside the PDF', async () => {
  const invoice = await invoiceTo({ country: 'FR', vatId: 'FR40303265045', address, eInvoiceFormat: 'xrechnung-cii', language: 'fr' });

  expect(invoice.files.map((file) => file.filename)).toEqual([`${invoice.invoiceNumber}.pdf`, `${invoice.invoiceNumber}.xml`]);
  expect(invoice.eInvoice).toMatchObject({
    syntax: 'CII',
    guideline: expect.stringContaining('xrechnung'),
    seller,
    buyer: { vatId: 'FR40303265045', country: 'FR' },
    vat: [
      {
        category: 'AE',
        percent: 0,
        taxable: 500,
        tax: 0,
        exemptionCode: 'VATEX-EU-AE',
        exemption: expect.stringContaining('Reverse charge'),
      },
    ],
    totals: { net: 500, tax: 0, gross: 500, payable: 500 },
  });
  expectConsistentTotals(invoice.eInvoice);
  expect(invoice.booked.vat_treatment).toBe('reverse-charge');
  for (const item of [
    'VAT ID FR40303265045',
    'Rue de Rivoli 10 75001 Paris France',
    'VAT 0 % 0,00 €',
    'Total due 500,00 €',
    'Reverse charge',
  ]) {
    expect(invoice.text).toContain(item);
  }
  await deals().pay(invoice.d, [500]);
});

it('charges a French consumer French VAT (20 %), the destination’s rate', async () => {
  const invoice = await invoiceTo({ country: 'FR', address });

  expect(invoice.eInvoice).toMatchObject({
    buyer: { country: 'FR' },
    vat: [{ category: 'S', percent: 20, taxable: 500, tax: 100 }],
    totals: { net: 500, tax: 100, gross: 600, payable: 600 },
  });
  expect(invoice.eInvoice.buyer.vatId).toBeUndefined();
  expectConsistentTotals(invoice.eInvoice);
  expect(invoice.booked.vat_treatment).toBe('eu-consumer');
  for (const item of ['VAT 20 % 100,00 €', 'Total due 600,00 €']) expect(invoice.text).toContain(item);
  expect(invoice.text).not.toContain('Reverse charge');
  await deals().pay(invoice.d, [600]);
});

it('zero-rates an export to the United States with its legend, as XRechnung UBL', async () => {
  const invoice = await invoiceTo({
    country: 'US',
    address: { street: '1 Main Street', postalCode: '10001', city: 'New York' },
    eInvoiceFormat: 'xrechnung-ubl',
  });

  expect(invoice.eInvoice).toMatchObject({
    syntax: 'UBL',
    guideline: expect.stringContaining('xrechnung'),
    seller,
    buyer: { country: 'US' },
    vat: [{ category: 'G', percent: 0, taxable: 500, tax: 0, exemptionCode: 'VATEX-EU-G', exemption: expect.stringContaining('Export') }],
    totals: { net: 500, tax: 0, gross: 500, payable: 500 },
  });
  expectConsistentTotals(invoice.eInvoice);
  expect(invoice.booked.vat_treatment).toBe('export');
  // Amounts as an American reader writes them.
  for (const item of ['€250.00', 'Total due €500.00', 'Export outside the EU: exempt from VAT']) expect(invoice.text).toContain(item);
  await deals().pay(invoice.d, [500]);
});

it('refuses an invalid VAT ID, one of another country, or an IBAN failing its checksum at the intake with the field named, and starts nothing', async () => {
  const sku = await deals().product(1);
  for (const [customer, field, message] of [
    [{ vatId: 'FR00000000000' }, 'vatId', 'is not a valid VAT ID'],
    [{ vatId: 'DE298745638' }, 'vatId', 'is a VAT ID of DE, not of FR'],
    [{ iban: 'FR76 3000 6000 0112 3456 7890 188' }, 'iban', 'is not a valid IBAN'],
  ] as const) {
    const d = deals().deal(sku, { customer: { country: 'FR', ...customer } });
    const { status, body } = await sendEvent(engine.intakeUrl, engine.secret, d.event);
    expect(status).toBe(400);
    expect(body).toMatchObject({
      error: 'invalid_data',
      fields: [{ field: `data.customer.${field}`, message: expect.stringContaining(message) }],
    });
    expect((body as { fields: unknown[] }).fields).toHaveLength(1);
    await expect(deals().handle(d.workflowId).describe()).rejects.toThrow(/not found/i);
  }
});

it('credits returned goods with a credit note that reverses the invoice in the ledger, and refuses a return it does not cover', async () => {
  const invoice = await invoiceTo({ country: 'DE', eInvoiceFormat: 'xrechnung-ubl', iban: 'DE02 1203 0000 0000 2020 51' });
  const { d, sku, invoiceNumber } = invoice;

  // More than was invoiced: refused, nothing credited, Operations told.
  expect(
    (
      await deals().send('logistics.return.received', {
        dealId: d.dealId,
        returnId: `${d.dealId}-R0`,
        lines: [{ sku, quantity: 5 }],
        reason: 'Too many',
      })
    ).status,
  ).toBe(202);
  const refusal = await eventually(
    async () => (await mailTo(settings.operationsEmail)).find((m) => m.subject === `Return ${d.dealId}-R0 refused`),
    'the refusal',
  );
  expect(refusal).toBeDefined();

  // One of the two items comes back, and the event is delivered twice.
  for (let i = 0; i < 2; i++) {
    const event = { dealId: d.dealId, returnId: `${d.dealId}-R1`, lines: [{ sku, quantity: 1 }], reason: 'Damaged in transit' };
    expect((await deals().send('logistics.return.received', event)).status).toBe(202);
  }
  const mail = await eventually(
    async () => (await mailTo(d.billingEmail)).find((m) => m.subject?.startsWith('Credit note ')),
    'the credit note e-mail',
    30_000,
  );
  const creditNoteNumber = mail.subject!.split(' ')[2];
  expect(creditNoteNumber).toMatch(/^CN-\d{6}$/);
  const note = await documentsOf(mail);
  expect(note.eInvoice).toMatchObject({
    syntax: 'UBL',
    number: creditNoteNumber,
    typeCode: '381',
    precedingInvoice: invoiceNumber,
    seller,
    vat: [{ category: 'S', percent: 19, taxable: 250, tax: 47.5 }],
    totals: { net: 250, tax: 47.5, gross: 297.5, payable: 297.5 },
  });
  expectConsistentTotals(note.eInvoice);
  for (const item of [
    `Credit note ${creditNoteNumber}`,
    `Corrects invoice ${invoiceNumber}`,
    'Damaged in transit',
    'Total credited 297,50 €',
    'to IBAN DE02 1203 0000 0000 2020 51',
  ]) {
    expect(note.text).toContain(item);
  }

  // The rest is paid: the order is paid, the ledger reversed for the returned item and balanced, the item back in stock.
  expect(await deals().pay(d, [297.5])).toMatchObject({ outcome: 'paid', invoiceNumber });
  expect(await deals().ledgerFor(invoiceNumber)).toEqual([
    { account: '1000 Bank', debit: 297.5, credit: 0 },
    { account: '1200 Receivables', debit: 595, credit: 595 },
    { account: '2200 VAT payable', debit: 47.5, credit: 95 },
    { account: '4000 Revenue', debit: 250, credit: 500 },
  ]);
  const { rows: credited } = await engine.pool.query('SELECT credit_note_number FROM credit_notes WHERE invoice_number = $1', [
    invoiceNumber,
  ]);
  expect(credited).toEqual([{ credit_note_number: creditNoteNumber }]);
  const {
    rows: [stock],
  } = await engine.pool.query('SELECT on_hand FROM products WHERE sku = $1', [sku]);
  expect(stock.on_hand).toBe(9);
  expect((await mailTo(d.billingEmail)).filter((m) => m.subject?.startsWith('Credit note '))).toHaveLength(1);
  await engine.keepHistory(d.workflowId, 'return-refused-then-credited');
});
