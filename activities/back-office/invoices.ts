import { ApplicationFailure } from '@temporalio/common';
import type { Pool, PoolClient } from 'pg';
import { add, applyRate, money, toDecimal, zero } from '../../contracts/money';
import type { IssuedInvoice, Payment, PaymentBooking } from '../../contracts/order';
import { inTransaction } from '../../db/transaction';
import { ACCOUNTS, postJournalEntry } from './ledger';

/** The next number of a gap-free series, taken under a row lock: a rolled-back transaction gives it back. */
async function nextNumber(db: PoolClient, series: 'invoice'): Promise<string> {
  const { rows } = await db.query<{ prefix: string; next_value: string }>(
    'UPDATE number_series SET next_value = next_value + 1 WHERE series = $1 RETURNING prefix, next_value - 1 AS next_value',
    [series],
  );
  return `${rows[0].prefix}${rows[0].next_value.padStart(6, '0')}`;
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
    /** Invoices an order once: gap-free number, VAT by the customer's country, due date from the payment terms. */
    async issueInvoice(orderNumber: string): Promise<IssuedInvoice> {
      return inTransaction(pool, async (db) => {
        const existing = await bookedInvoice(db, 'order_number', orderNumber);
        if (existing) return existing;
        const { rows } = await db.query(
          `SELECT o.customer_number, o.currency, o.net_total::text, o.payment_terms_days, c.country, t.rate::text
             FROM sales_orders o JOIN customers c USING (customer_number) LEFT JOIN tax_rates t ON t.country = c.country
            WHERE o.order_number = $1`,
          [orderNumber],
        );
        const order = rows[0];
        if (order.rate === null) throw ApplicationFailure.nonRetryable(`no VAT rate for country ${order.country}`, 'NoTaxRate');
        const net = money(order.net_total, order.currency);
        const tax = applyRate(net, order.rate);
        const gross = add(net, tax);
        const invoiceNumber = await nextNumber(db, 'invoice');
        await db.query(
          `INSERT INTO invoices (invoice_number, order_number, customer_number, currency, net_total, tax_rate, tax_total, gross_total, issued_on, due_on)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, current_date, current_date + $9::int)`,
          [
            invoiceNumber,
            orderNumber,
            order.customer_number,
            order.currency,
            toDecimal(net),
            order.rate,
            toDecimal(tax),
            toDecimal(gross),
            order.payment_terms_days,
          ],
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
            { account: ACCOUNTS.receivables, debit: gross.amount },
            { account: ACCOUNTS.revenue, credit: net.amount },
            { account: ACCOUNTS.vatPayable, credit: tax.amount },
          ],
        });
        return (await bookedInvoice(db, 'invoice_number', invoiceNumber))!;
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
        const before = await booked();
        const inserted = await db.query(
          `INSERT INTO payments (payment_id, invoice_number, amount, currency) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
          [payment.paymentId, payment.invoiceNumber, toDecimal(amount), amount.currency],
        );
        if (inserted.rowCount) {
          const owed = Math.max(gross.amount - before.paid.amount, 0);
          const settled = Math.min(amount.amount, owed);
          if (amount.amount > settled) {
            await db.query(`INSERT INTO customer_credits (payment_id, customer_number, amount, currency) VALUES ($1, $2, $3, $4)`, [
              payment.paymentId,
              invoice.customer_number,
              toDecimal({ amount: amount.amount - settled, currency: amount.currency }),
              amount.currency,
            ]);
          }
          await postJournalEntry(db, {
            entryKey: `payment/${payment.paymentId}`,
            description: `Payment ${payment.paymentId} for ${payment.invoiceNumber}`,
            currency: amount.currency,
            lines: [
              { account: ACCOUNTS.bank, debit: amount.amount },
              { account: ACCOUNTS.receivables, credit: settled },
              { account: ACCOUNTS.customerCredits, credit: amount.amount - settled },
            ],
          });
        }
        const { paid, credited } = await booked();
        const outstanding =
          gross.amount > paid.amount ? { amount: gross.amount - paid.amount, currency: gross.currency } : zero(gross.currency);
        return { paid, credited, outstanding };
      });
    },
  };
}
