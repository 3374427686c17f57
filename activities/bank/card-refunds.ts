import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import { money, toDecimal } from '../../contracts/money';
import type { CardRefundBooking, CardRefundInput } from '../../contracts/refunds';
import { inTransaction } from '../../db/transaction';
import { postEntry } from '../back-office/ledger';
import { REFUND_CLAIMS_LOCK } from './refund-runs';

/**
 * Card refunds made at the payment provider, booked against the invoice the refunded payment paid: first what the
 * customer was owed back (a credit note, an over-payment), the rest owed again on the invoice. A charge's events carry
 * the total refunded so far, so each books what its total adds to those booked before it: however often, and in
 * whatever order, they come, the charge's refunds are booked once.
 */
export function cardRefunds(pool: Pool) {
  return {
    async bookCardRefund({ paymentId, chargeId, refundedTotal }: Omit<CardRefundInput, 'settings'>): Promise<CardRefundBooking> {
      return inTransaction(pool, async (db) => {
        const {
          rows: [payment],
        } = await db.query<{ invoice_number: string; currency: string; customer_number: string }>(
          `SELECT p.invoice_number, i.currency, i.customer_number FROM payments p JOIN invoices i USING (invoice_number)
            WHERE p.payment_id = $1`,
          [paymentId],
        );
        // The refund's event may overtake the payment's booking (Stripe sends events in no set order).
        if (!payment) return { outcome: 'payment-not-booked' };
        const { invoice_number: invoiceNumber, currency } = payment;
        if (refundedTotal.currency !== currency)
          throw ApplicationFailure.nonRetryable(
            `the refund of ${chargeId} is in ${refundedTotal.currency}, invoice ${invoiceNumber} in ${currency}`,
            'CurrencyMismatch',
          );
        // What is owed back is claimed by card refunds and refund runs alike: one at a time (see refund-runs.ts).
        await db.query(`SELECT pg_advisory_xact_lock(hashtext('${REFUND_CLAIMS_LOCK}'))`);
        await db.query('SELECT 1 FROM invoices WHERE invoice_number = $1 FOR UPDATE', [invoiceNumber]);
        const {
          rows: [so],
        } = await db.query<{ booked: string; owed: string }>(
          `SELECT (SELECT coalesce(sum(amount), 0) FROM refunds WHERE charge_id = $1)::text AS booked,
                  (SELECT greatest(owed, 0) FROM refunds_due WHERE invoice_number = $2)::text AS owed`,
          [chargeId, invoiceNumber],
        );
        const booked = refundedTotal.amount - money(so.booked, currency).amount;
        if (booked <= 0) return { outcome: 'booked', invoiceNumber, booked: money(0, currency), reopened: money(0, currency) };
        const fromCredit = Math.min(booked, money(so.owed, currency).amount);
        const refundKey = `card-${chargeId}-${refundedTotal.amount}`;
        await db.query(
          `INSERT INTO refunds (refund_key, invoice_number, customer_number, amount, currency, channel, charge_id)
           VALUES ($1, $2, $3, $4, $5, 'card', $6)`,
          [refundKey, invoiceNumber, payment.customer_number, toDecimal({ amount: booked, currency }), currency, chargeId],
        );
        await postEntry(db, {
          entryKey: `refund/${refundKey}`,
          description: `Card refund of ${chargeId} for ${invoiceNumber}`,
          currency,
          lines: [
            { role: 'customerCredits', debit: fromCredit },
            { role: 'receivables', debit: booked - fromCredit },
            { role: 'bank', credit: booked },
          ],
        });
        return {
          outcome: 'booked',
          invoiceNumber,
          booked: { amount: booked, currency },
          reopened: { amount: booked - fromCredit, currency },
        };
      });
    },
  };
}
