import type { Pool } from 'pg';
import type { CompanyProfile, EInvoiceFormat, PostalAddress } from '../../contracts/billing';
import { type Money, money } from '../../contracts/money';
import { type VatTreatment, vatTreatment } from '../back-office/vat';

/** The buyer as an invoice keeps it. */
export interface Buyer {
  name: string;
  country: string;
  address?: PostalAddress;
  vatId?: string;
  email: string;
  language?: string;
  reference?: string;
  /** Where a refund goes. */
  iban?: string;
  eInvoiceFormat: EInvoiceFormat;
}

export interface BillingLine {
  sku: string;
  description: string;
  quantity: number;
  unitPrice: Money;
  net: Money;
}

/** An invoice or a credit note as booked: what its PDF and its e-invoice both show. */
export interface BillingDocument {
  kind: 'invoice' | 'credit-note';
  number: string;
  issuedOn: string;
  dueOn?: string;
  suppliedOn: string;
  orderNumber: string;
  seller: CompanyProfile;
  buyer: Buyer;
  treatment: VatTreatment;
  /** The VAT rate as a decimal fraction ("0.19"). */
  rate: string;
  lines: BillingLine[];
  net: Money;
  tax: Money;
  gross: Money;
  paymentReference: string;
  /** For a credit note: the invoice it corrects, and why. */
  corrects?: { number: string; issuedOn: string; reason: string };
}

const DATE = (column: string) => `to_char(${column}, 'YYYY-MM-DD')`;

async function linesOf(pool: Pool, table: 'invoice_lines' | 'credit_note_lines', key: string, number: string, currency: string) {
  const { rows } = await pool.query(
    `SELECT sku, description, quantity, unit_price::text, net_amount::text FROM ${table} WHERE ${key} = $1 ORDER BY line_no`,
    [number],
  );
  return rows.map((line) => ({
    sku: line.sku,
    description: line.description,
    quantity: line.quantity,
    unitPrice: money(line.unit_price, currency),
    net: money(line.net_amount, currency),
  }));
}

/** An invoice as booked, with the parties it was issued to and from. */
export async function loadInvoice(pool: Pool, invoiceNumber: string): Promise<BillingDocument> {
  const {
    rows: [invoice],
  } = await pool.query(
    `SELECT order_number, currency, net_total::text, tax_total::text, gross_total::text, tax_rate::text, seller, buyer, payment_reference,
            ${DATE('issued_on')} AS issued_on, ${DATE('due_on')} AS due_on, ${DATE('supplied_on')} AS supplied_on
       FROM invoices WHERE invoice_number = $1`,
    [invoiceNumber],
  );
  const { currency } = invoice;
  return {
    kind: 'invoice',
    number: invoiceNumber,
    issuedOn: invoice.issued_on,
    dueOn: invoice.due_on,
    suppliedOn: invoice.supplied_on,
    orderNumber: invoice.order_number,
    seller: invoice.seller,
    buyer: invoice.buyer,
    treatment: vatTreatment(invoice.seller.country, invoice.buyer),
    rate: invoice.tax_rate,
    lines: await linesOf(pool, 'invoice_lines', 'invoice_number', invoiceNumber, currency),
    net: money(invoice.net_total, currency),
    tax: money(invoice.tax_total, currency),
    gross: money(invoice.gross_total, currency),
    paymentReference: invoice.payment_reference,
  };
}

/** A credit note as booked, with the parties and the VAT treatment of the invoice it corrects. */
export async function loadCreditNote(pool: Pool, creditNoteNumber: string): Promise<BillingDocument> {
  const {
    rows: [note],
  } = await pool.query(
    `SELECT n.invoice_number, n.reason, n.currency, n.net_total::text, n.tax_total::text, n.gross_total::text, ${DATE('n.issued_on')} AS issued_on,
            ${DATE('i.issued_on')} AS invoice_issued_on
       FROM credit_notes n JOIN invoices i USING (invoice_number) WHERE n.credit_note_number = $1`,
    [creditNoteNumber],
  );
  const invoice = await loadInvoice(pool, note.invoice_number);
  const { currency } = note;
  return {
    ...invoice,
    kind: 'credit-note',
    number: creditNoteNumber,
    issuedOn: note.issued_on,
    dueOn: undefined,
    lines: await linesOf(pool, 'credit_note_lines', 'credit_note_number', creditNoteNumber, currency),
    net: money(note.net_total, currency),
    tax: money(note.tax_total, currency),
    gross: money(note.gross_total, currency),
    corrects: { number: note.invoice_number, issuedOn: note.invoice_issued_on, reason: note.reason },
  };
}
