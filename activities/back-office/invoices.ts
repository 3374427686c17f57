import { ApplicationFailure } from '@temporalio/common';
import type { Pool, PoolClient } from 'pg';
import { type Money, add, applyRate, money, toDecimal, zero } from '../../contracts/money';
import type { GoodsReturn, IssuedCreditNote, IssuedInvoice, Payment, PaymentBooking } from '../../contracts/order';
import { inTransaction } from '../../db/transaction';
import { postEntry } from './ledger';
import { vatTreatment } from './vat';
import { company } from '../../config/company';
import { creditorReference } from '../../contracts/billing';

/** The next number of a gap-free series, taken under a row lock: a rolled-back transaction gives it back. */
async function nextNumber(db: PoolClient, series: 'invoice' | 'credit-note'): Promise<string> {
  const { rows } = await db.query<{ prefix: string; next_value: string }>(
    'UPDATE number_series SET next_value = next_value + 1 WHERE series = $1 RETURNING prefix, next_value - 1 AS next_value',
    [series],
  );
  return seriesNumber(rows[0].prefix, rows[0].next_value);
}

/** A number of a series as printed: its prefix and six digits at least (`INV-000042`). */
export const seriesNumber = (prefix: string, value: string | number) => `${prefix}${String(value).padStart(6, '0')}`;

/** The standard VAT rate of a country valid today. */
async function rateOn(db: PoolClient, country: string): Promise<string> {
  const { rows } = await db.query<{ rate: string }>(
    'SELECT rate::text FROM tax_rates WHERE country = $1 AND valid_from <= current_date ORDER BY valid_from DESC LIMIT 1',
    [country],
  );
  if (rows.length === 0) throw ApplicationFailure.nonRetryable(`no VAT rate for country ${country}`, 'NoTaxRate');
  return rows[0].rate;
}

/**
 * What an invoice of `gross` still asks for: less what its credit notes credited and its payments paid, plus what was
 * paid back (a card refund), never below 0.
 */
async function stillOwed(db: PoolClient, invoiceNumber: string, gross: Money): Promise<Money> {
  const {
    rows: [totals],
  } = await db.query<{ credited: string; paid: string; refunded: string }>(
    `SELECT (SELECT coalesce(sum(gross_total), 0) FROM credit_notes WHERE invoice_number = $1)::text AS credited,
            (SELECT coalesce(sum(amount), 0) FROM payments WHERE invoice_number = $1)::text AS paid,
            (SELECT coalesce(sum(amount), 0) FROM refunds WHERE invoice_number = $1 AND withdrawn_at IS NULL)::text AS refunded`,
    [invoiceNumber],
  );
  const amount = (decimal: string) => money(decimal, gross.currency).amount;
  const owed = gross.amount - amount(totals.credited) - amount(totals.paid) + amount(totals.refunded);
  return { amount: Math.max(owed, 0), currency: gross.currency };
}

/** An invoice as booked, its amounts read as exact decimals. */
async function bookedInvoice(db: PoolClient, where: 'invoice_number' | 'order_number', key: string): Promise<IssuedInvoice | undefined> {
  const { rows } = await db.query<{ invoice_number: string; currency: string; net: string; tax: string; gross: string; due_on: string }>(
    `SELECT invoice_number, currency, net_total::text AS net, tax_total::text AS tax, gross_total::text AS gross,
            to_char(due_on, 'YYYY-MM-DD') AS due_on
       FROM invoices WHERE ${where} = $1`,
    [key],
  );
  if (rows.length === 0) return undefined;
  const [invoice] = rows;
  return {
    invoiceNumber: invoice.invoice_number,
    netTotal: money(invoice.net, invoice.currency),
    taxTotal: money(invoice.tax, invoice.currency),
    grossTotal: money(invoice.gross, invoice.currency),
    dueOn: invoice.due_on,
  };
}

/** Invoices and payments, each with its journal entry in the same transaction. */
export function invoiceActivities(pool: Pool) {
  return {
    /**
     * Invoices an order once: gap-free number, VAT by rule (see `vatTreatment`) at the rate valid today, due date
     * from the payment terms. Seller and buyer are kept as they are now, so a reprint shows what was sent.
     */
    async issueInvoice(orderNumber: string): Promise<IssuedInvoice> {
      return inTransaction(pool, async (db) => {
        const existing = await bookedInvoice(db, 'order_number', orderNumber);
        if (existing) return existing;
        const {
          rows: [order],
        } = await db.query(
          `SELECT o.customer_number, o.currency, o.net_total::text, o.payment_terms_days, c.company_name, c.country, c.billing_email,
                  c.street, c.postal_code, c.city, c.vat_id, c.language, c.buyer_reference, c.e_invoice_format, c.iban,
                  to_char(coalesce(s.delivered_at, s.created_at, now()), 'YYYY-MM-DD') AS supplied_on
             FROM sales_orders o JOIN customers c USING (customer_number) LEFT JOIN shipments s USING (order_number)
            WHERE o.order_number = $1`,
          [orderNumber],
        );
        const treatment = vatTreatment(company.country, { country: order.country, vatId: order.vat_id });
        const rate = treatment.rateOf === undefined ? '0' : await rateOn(db, treatment.rateOf);
        const net = money(order.net_total, order.currency);
        const tax = applyRate(net, rate);
        const gross = add(net, tax);
        const invoiceNumber = await nextNumber(db, 'invoice');
        const buyer = {
          name: order.company_name,
          country: order.country,
          address: order.street ? { street: order.street, postalCode: order.postal_code, city: order.city } : undefined,
          vatId: order.vat_id ?? undefined,
          email: order.billing_email,
          language: order.language ?? undefined,
          reference: order.buyer_reference ?? undefined,
          iban: order.iban ?? undefined,
          eInvoiceFormat: order.e_invoice_format,
        };
        await db.query(
          `INSERT INTO invoices (invoice_number, order_number, customer_number, currency, net_total, tax_rate, tax_total, gross_total, issued_on,
                                 due_on, vat_treatment, supplied_on, seller, buyer, payment_reference)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, current_date, current_date + $9::int, $10, $11, $12, $13, $14)`,
          [
            invoiceNumber,
            orderNumber,
            order.customer_number,
            order.currency,
            toDecimal(net),
            rate,
            toDecimal(tax),
            toDecimal(gross),
            order.payment_terms_days,
            treatment.kind,
            order.supplied_on,
            company,
            buyer,
            creditorReference(invoiceNumber),
          ],
        );
        await db.query(
          `INSERT INTO invoice_lines (invoice_number, line_no, sku, description, quantity, unit_price, net_amount)
           SELECT $1, l.line_no, l.sku, p.name, l.quantity, l.unit_price, round(l.quantity * l.unit_price, 2)
             FROM sales_order_lines l JOIN products p USING (sku) WHERE l.order_number = $2`,
          [invoiceNumber, orderNumber],
        );
        await postEntry(db, {
          entryKey: `invoice/${invoiceNumber}`,
          description: `Invoice ${invoiceNumber} for ${orderNumber}`,
          currency: order.currency,
          lines: [
            { role: 'receivables', debit: gross.amount },
            { role: 'revenue', credit: net.amount },
            { role: 'vatPayable', credit: tax.amount },
          ],
        });
        return (await bookedInvoice(db, 'invoice_number', invoiceNumber))!;
      });
    },

    /**
     * Credits returned goods against their invoice, once per return: a credit note from its own gap-free series at
     * the invoice's prices and VAT rate, the invoice's entry reversed for that part (what is no longer owed becomes the
     * customer's credit when the invoice was already paid), and the goods back in stock. A return of more than was
     * invoiced, or of something not invoiced, is refused.
     */
    async issueCreditNote({ invoiceNumber, returnId, lines, reason }: GoodsReturn & { invoiceNumber: string }): Promise<IssuedCreditNote> {
      return inTransaction(pool, async (db) => {
        const {
          rows: [invoice],
        } = await db.query<{ currency: string; gross: string; rate: string }>(
          'SELECT currency, gross_total::text AS gross, tax_rate::text AS rate FROM invoices WHERE invoice_number = $1 FOR UPDATE',
          [invoiceNumber],
        );
        const { currency } = invoice;
        const outstanding = () => stillOwed(db, invoiceNumber, money(invoice.gross, currency));
        const existing = await db.query<{ credit_note_number: string; gross: string }>(
          'SELECT credit_note_number, gross_total::text AS gross FROM credit_notes WHERE return_id = $1',
          [returnId],
        );
        if (existing.rows.length > 0) {
          const [note] = existing.rows;
          return { creditNoteNumber: note.credit_note_number, grossTotal: money(note.gross, currency), outstanding: await outstanding() };
        }
        const { rows: credited } = await db.query<{ sku: string; description: string; unit_price: string; returnable: number }>(
          `SELECT l.sku, min(l.description) AS description, min(l.unit_price)::text AS unit_price,
                  (sum(l.quantity) - coalesce((SELECT sum(c.quantity) FROM credit_note_lines c JOIN credit_notes n USING (credit_note_number)
                                               WHERE n.invoice_number = $1 AND c.sku = l.sku), 0))::int AS returnable
             FROM invoice_lines l WHERE l.invoice_number = $1 GROUP BY l.sku`,
          [invoiceNumber],
        );
        const returned = lines.map((line, index) => {
          const invoiced = credited.find((row) => row.sku === line.sku);
          if (!invoiced || invoiced.returnable < line.quantity) {
            throw ApplicationFailure.nonRetryable(
              `lines[${index}]: ${line.quantity} × ${line.sku} cannot be returned: ` +
                (invoiced ? `only ${invoiced.returnable} are invoiced and not yet credited` : `it is not on invoice ${invoiceNumber}`),
              'ReturnRefused',
            );
          }
          const unitPrice = money(invoiced.unit_price, currency);
          return { ...line, description: invoiced.description, unitPrice, net: { amount: unitPrice.amount * line.quantity, currency } };
        });
        const before = await outstanding();
        const net = returned.reduce((total, line) => add(total, line.net), zero(currency));
        const tax = applyRate(net, invoice.rate);
        const gross = add(net, tax);
        const creditNoteNumber = await nextNumber(db, 'credit-note');
        await db.query(
          `INSERT INTO credit_notes (credit_note_number, invoice_number, return_id, reason, currency, net_total, tax_total, gross_total, issued_on)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, current_date)`,
          [creditNoteNumber, invoiceNumber, returnId, reason, currency, toDecimal(net), toDecimal(tax), toDecimal(gross)],
        );
        for (const [index, line] of returned.entries()) {
          await db.query(
            `INSERT INTO credit_note_lines (credit_note_number, line_no, sku, description, quantity, unit_price, net_amount)
             VALUES ($1, $2, $3, $4, $5, $6, $7)`,
            [creditNoteNumber, index + 1, line.sku, line.description, line.quantity, toDecimal(line.unitPrice), toDecimal(line.net)],
          );
          await db.query('UPDATE products SET on_hand = on_hand + $2 WHERE sku = $1', [line.sku, line.quantity]);
        }
        // Receivables are settled up to what was still owed; the rest was paid already and is now owed back.
        const settled = Math.min(gross.amount, before.amount);
        await postEntry(db, {
          entryKey: `credit-note/${creditNoteNumber}`,
          description: `Credit note ${creditNoteNumber} for ${invoiceNumber} (return ${returnId})`,
          currency,
          lines: [
            { role: 'revenue', debit: net.amount },
            { role: 'vatPayable', debit: tax.amount },
            { role: 'receivables', credit: settled },
            { role: 'customerCredits', credit: gross.amount - settled },
          ],
        });
        return { creditNoteNumber, grossTotal: gross, outstanding: await outstanding() };
      });
    },

    /**
     * Books a payment against an invoice, once per payment id: cash in, receivable settled, and what exceeds
     * the amount still owed kept as the customer's credit.
     */
    async recordPayment(payment: Payment & { invoiceNumber: string }): Promise<PaymentBooking> {
      return inTransaction(pool, async (db) => {
        const {
          rows: [invoice],
        } = await db.query<{ currency: string; gross: string; customer_number: string }>(
          `SELECT currency, gross_total::text AS gross, customer_number FROM invoices WHERE invoice_number = $1 FOR UPDATE`,
          [payment.invoiceNumber],
        );
        const { amount } = payment;
        if (invoice.currency !== amount.currency) {
          throw ApplicationFailure.nonRetryable(
            `payment ${payment.paymentId} is in ${amount.currency}, invoice in ${invoice.currency}`,
            'CurrencyMismatch',
          );
        }
        const booked = async () => {
          const {
            rows: [totals],
          } = await db.query<{ paid: string; credited: string }>(
            `SELECT coalesce(sum(p.amount), 0)::text AS paid, coalesce(sum(c.amount), 0)::text AS credited
               FROM payments p LEFT JOIN customer_credits c USING (payment_id) WHERE p.invoice_number = $1`,
            [payment.invoiceNumber],
          );
          return { paid: money(totals.paid, invoice.currency), credited: money(totals.credited, invoice.currency) };
        };
        const gross = money(invoice.gross, invoice.currency);
        // What credit notes took off the invoice is no longer owed.
        const owed = await stillOwed(db, payment.invoiceNumber, gross);
        const inserted = await db.query(
          `INSERT INTO payments (payment_id, invoice_number, amount, currency) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
          [payment.paymentId, payment.invoiceNumber, toDecimal(amount), amount.currency],
        );
        if (inserted.rowCount) {
          const settled = Math.min(amount.amount, owed.amount);
          if (amount.amount > settled) {
            await db.query(`INSERT INTO customer_credits (payment_id, customer_number, amount, currency) VALUES ($1, $2, $3, $4)`, [
              payment.paymentId,
              invoice.customer_number,
              toDecimal({ amount: amount.amount - settled, currency: amount.currency }),
              amount.currency,
            ]);
          }
          await postEntry(db, {
            entryKey: `payment/${payment.paymentId}`,
            description: `Payment ${payment.paymentId} for ${payment.invoiceNumber}`,
            currency: amount.currency,
            lines: [
              { role: 'bank', debit: amount.amount },
              { role: 'receivables', credit: settled },
              { role: 'customerCredits', credit: amount.amount - settled },
            ],
          });
        }
        return { ...(await booked()), outstanding: await stillOwed(db, payment.invoiceNumber, gross) };
      });
    },
  };
}
