import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import { BALANCE_CHANGED, type BankPayment, type PaymentAllocation } from '../../contracts/bank';
import { type Money, money, toDecimal } from '../../contracts/money';
import { orderToCashRunId } from '../../contracts/order';
import { inTransaction } from '../../db/transaction';

/** The failure type of a payment applied to an invoice in another currency: officeflow never converts. */
export const CURRENCY_MISMATCH = 'CurrencyMismatch';

interface AllocationRow {
  invoice_number: string;
  payment_id: string;
  amount: string;
  currency: string;
  deal_id: string;
}

const asAllocation = (row: AllocationRow): PaymentAllocation => ({
  invoiceNumber: row.invoice_number,
  workflowId: orderToCashRunId({ dealId: row.deal_id }),
  paymentId: row.payment_id,
  amount: money(row.amount, row.currency),
});

/**
 * Applies a payment to invoices, once per payment however often it runs: the oldest due first, each invoice takes
 * what it still owes and the last takes the rest (an over-payment, which its run books as the customer's credit), so a
 * transfer short of the total settles the oldest invoices and leaves the newest partly paid. Invoices are locked while
 * their balances are read, so two payments applied at once never both take the same balance; an automatic
 * application (`expected`) whose invoices no longer owe what matching saw fails as `BalanceChanged`, for a person.
 */
export function paymentAllocation(pool: Pool) {
  return {
    async applyPayment(application: {
      payment: BankPayment;
      invoiceNumbers: string[];
      confidence: number;
      reason: string;
      appliedBy: string;
      /** What each invoice owed when matching proposed it (an automatic application). */
      expected?: Record<string, Money>;
    }): Promise<PaymentAllocation[]> {
      const { payment, expected } = application;
      const invoiceNumbers = [...new Set(application.invoiceNumbers)];
      return inTransaction(pool, async (db) => {
        const applied = await db.query<AllocationRow>(
          `SELECT a.invoice_number, a.payment_id, a.amount::text, a.currency, o.deal_id
             FROM payment_allocations a JOIN invoices i USING (invoice_number) JOIN sales_orders o USING (order_number)
            WHERE a.line_key = $1 ORDER BY a.applied_at, a.payment_id`,
          [payment.lineKey],
        );
        if (applied.rowCount) return applied.rows.map(asAllocation);
        await db.query(`SELECT 1 FROM invoices WHERE invoice_number = ANY($1) ORDER BY invoice_number FOR UPDATE`, [invoiceNumbers]);
        const { rows } = await db.query<{ invoice_number: string; currency: string; outstanding: string; deal_id: string }>(
          `SELECT b.invoice_number, b.currency, b.outstanding::text, o.deal_id
             FROM invoice_balances b JOIN sales_orders o USING (order_number) JOIN invoices i USING (invoice_number)
            WHERE b.invoice_number = ANY($1) ORDER BY i.due_on, b.invoice_number`,
          [invoiceNumbers],
        );
        const byNumber = new Map(rows.map((row) => [row.invoice_number, row]));
        const unknown = invoiceNumbers.filter((number) => !byNumber.has(number));
        if (unknown.length) throw ApplicationFailure.nonRetryable(`no invoice ${unknown.join(', ')}`, 'UnknownInvoice');
        const foreign = rows.filter((row) => row.currency !== payment.amount.currency);
        if (foreign.length)
          throw ApplicationFailure.nonRetryable(
            `${foreign.map((row) => `${row.invoice_number} is in ${row.currency}`).join(', ')}; the payment is in ${payment.amount.currency}`,
            CURRENCY_MISMATCH,
          );
        const changed = rows.filter(
          (row) => expected?.[row.invoice_number] && money(row.outstanding, row.currency).amount !== expected[row.invoice_number].amount,
        );
        if (changed.length)
          throw ApplicationFailure.nonRetryable(
            `${changed.map((row) => row.invoice_number).join(', ')} no longer owe what matching saw: another payment came first`,
            BALANCE_CHANGED,
          );
        let rest = payment.amount.amount;
        const shares = rows.map(({ invoice_number: number }, index) => {
          const owed = money(byNumber.get(number)!.outstanding, payment.amount.currency).amount;
          const share = index === rows.length - 1 ? rest : Math.min(rest, owed);
          rest -= share;
          return { number, share };
        });
        const allocations: PaymentAllocation[] = [];
        for (const { number, share } of shares.filter(({ share }) => share > 0)) {
          const allocation = asAllocation({
            invoice_number: number,
            // One invoice: the payment is the line; several: a share of it each.
            payment_id: invoiceNumbers.length === 1 ? payment.lineKey : `${payment.lineKey}:${number}`,
            amount: toDecimal({ amount: share, currency: payment.amount.currency }),
            currency: payment.amount.currency,
            deal_id: byNumber.get(number)!.deal_id,
          });
          await db.query(
            `INSERT INTO payment_allocations (line_key, invoice_number, payment_id, amount, currency, confidence, reason, applied_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
            [
              payment.lineKey,
              number,
              allocation.paymentId,
              toDecimal(allocation.amount),
              payment.amount.currency,
              application.confidence,
              application.reason.slice(0, 1000),
              application.appliedBy,
            ],
          );
          allocations.push(allocation);
        }
        return allocations;
      });
    },
  };
}
