import { ApplicationFailure } from '@temporalio/common';
import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '../../db/transaction';
import { ACCOUNTS, cents, fromCents, postJournalEntry } from './ledger';

export interface IssuedInvoice {
  invoiceNumber: string;
  currency: string;
  netTotal: number;
  taxTotal: number;
  grossTotal: number;
  dueOn: string;
}

/** The next number of a gap-free series, taken under a row lock: a rolled-back transaction gives it back. */
async function nextNumber(db: PoolClient, series: 'invoice'): Promise<string> {
  const { rows } = await db.query<{ prefix: string; next_value: string }>(
    'UPDATE number_series SET next_value = next_value + 1 WHERE series = $1 RETURNING prefix, next_value - 1 AS next_value',
    [series],
  );
  return `${rows[0].prefix}${rows[0].next_value.padStart(6, '0')}`;
}

const invoiceColumns = `invoice_number AS "invoiceNumber", currency, net_total::float AS "netTotal", tax_total::float AS "taxTotal",
  gross_total::float AS "grossTotal", to_char(due_on, 'YYYY-MM-DD') AS "dueOn"`;

/** Invoices and payments, each with its journal entry in the same transaction. */
export function invoiceActivities(pool: Pool) {
  return {
    /** Invoices an order once: gap-free number, VAT by the customer's country, due date from the payment terms. */
    async issueInvoice(orderNumber: string): Promise<IssuedInvoice> {
      return inTransaction(pool, async (db) => {
        const existing = await db.query<IssuedInvoice>(`SELECT ${invoiceColumns} FROM invoices WHERE order_number = $1`, [orderNumber]);
        if (existing.rowCount) return existing.rows[0];
        const { rows } = await db.query(
          `SELECT o.customer_number, o.currency, o.net_total, o.payment_terms_days, c.country, t.rate
             FROM sales_orders o JOIN customers c USING (customer_number) LEFT JOIN tax_rates t ON t.country = c.country
            WHERE o.order_number = $1`,
          [orderNumber],
        );
        const order = rows[0];
        if (order.rate === null) throw ApplicationFailure.nonRetryable(`no VAT rate for country ${order.country}`, 'NoTaxRate');
        const net = cents(order.net_total);
        const tax = Math.round(net * Number(order.rate));
        const invoiceNumber = await nextNumber(db, 'invoice');
        await db.query(
          `INSERT INTO invoices (invoice_number, order_number, customer_number, currency, net_total, tax_rate, tax_total, gross_total, issued_on, due_on)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, current_date, current_date + $9::int)`,
          [invoiceNumber, orderNumber, order.customer_number, order.currency, fromCents(net), order.rate, fromCents(tax), fromCents(net + tax), order.payment_terms_days],
        );
        await db.query(
          `INSERT INTO invoice_lines (invoice_number, line_no, sku, description, quantity, unit_price, net_amount)
           SELECT $1, l.line_no, l.sku, p.name, l.quantity, l.unit_price, round(l.quantity * l.unit_price, 2)
             FROM sales_order_lines l JOIN products p USING (sku) WHERE l.order_number = $2`,
          [invoiceNumber, orderNumber],
        );
        await postJournalEntry(db, {
          entryKey: `invoice/${invoiceNumber}`,
          description: `Invoice ${invoiceNumber} for ${orderNumber}`,
          currency: order.currency,
          lines: [
            { account: ACCOUNTS.receivables, debit: net + tax },
            { account: ACCOUNTS.revenue, credit: net },
            { account: ACCOUNTS.vatPayable, credit: tax },
          ],
        });
        return (await db.query<IssuedInvoice>(`SELECT ${invoiceColumns} FROM invoices WHERE invoice_number = $1`, [invoiceNumber])).rows[0];
      });
    },

    /**
     * Books a payment against an invoice, once per payment id: cash in, receivable settled, and what exceeds
     * the amount still owed kept as the customer's credit.
     */
    async recordPayment(payment: {
      paymentId: string;
      invoiceNumber: string;
      amount: number;
      currency: string;
    }): Promise<{ paid: number; outstanding: number; credited: number }> {
      return inTransaction(pool, async (db) => {
        const { rows } = await db.query(`SELECT * FROM invoices WHERE invoice_number = $1 FOR UPDATE`, [payment.invoiceNumber]);
        const invoice = rows[0];
        if (invoice.currency !== payment.currency) {
          throw ApplicationFailure.nonRetryable(`payment ${payment.paymentId} is in ${payment.currency}, invoice in ${invoice.currency}`, 'CurrencyMismatch');
        }
        const paidBefore = await db.query<{ total: string }>(`SELECT coalesce(sum(amount), 0) AS total FROM payments WHERE invoice_number = $1`, [
          payment.invoiceNumber,
        ]);
        const inserted = await db.query(
          `INSERT INTO payments (payment_id, invoice_number, amount, currency) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
          [payment.paymentId, payment.invoiceNumber, payment.amount, payment.currency],
        );
        if (inserted.rowCount) {
          const amount = cents(payment.amount);
          const owed = Math.max(cents(invoice.gross_total) - cents(paidBefore.rows[0].total), 0);
          const settled = Math.min(amount, owed);
          if (amount > settled) {
            await db.query(`INSERT INTO customer_credits (payment_id, customer_number, amount, currency) VALUES ($1, $2, $3, $4)`, [
              payment.paymentId,
              invoice.customer_number,
              fromCents(amount - settled),
              payment.currency,
            ]);
          }
          await postJournalEntry(db, {
            entryKey: `payment/${payment.paymentId}`,
            description: `Payment ${payment.paymentId} for ${payment.invoiceNumber}`,
            currency: payment.currency,
            lines: [
              { account: ACCOUNTS.bank, debit: amount },
              { account: ACCOUNTS.receivables, credit: settled },
              { account: ACCOUNTS.customerCredits, credit: amount - settled },
            ],
          });
        }
        const totals = await db.query<{ paid: number; credited: number }>(
          `SELECT coalesce(sum(p.amount), 0)::float AS paid, coalesce(sum(c.amount), 0)::float AS credited
             FROM payments p LEFT JOIN customer_credits c USING (payment_id) WHERE p.invoice_number = $1`,
          [payment.invoiceNumber],
        );
        const { paid, credited } = totals.rows[0];
        return { paid, credited, outstanding: fromCents(Math.max(cents(invoice.gross_total) - cents(paid), 0)) };
      });
    },
  };
}
