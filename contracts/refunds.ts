import { z } from 'zod';
import { businessKey, currencyCode, duration, email } from './fields';
import { Money, decimalAmount, inMinorUnits } from './money';

/** `bank.refund-run.requested`: a person in Finance asks for what officeflow owes customers to be paid back. */
export const RefundRunRequest = z.object({
  /** The run's key (`RR-20261206-1`): its file and the bank's statement lines carry it (see `bankIdOf`). */
  runId: businessKey,
  /** Who asked: they prepare the run, and may not release it (four eyes). */
  requestedBy: email,
  /** Only these customers' refunds (a customer asking for theirs now); every customer's when absent. */
  customerNumbers: z.array(businessKey).min(1).max(100).optional(),
});
export type RefundRunRequest = z.infer<typeof RefundRunRequest>;

/** Who releases refund runs, and how long they have: the refund run's settings. */
export const RefundRunSettings = z.object({
  /** Finance's approver who releases runs; when they asked for the run themselves, `escalateTo` releases it. */
  approverEmail: email,
  escalateTo: email,
  releaseWithin: duration,
  reminder: duration.optional(),
  /** How many days after the release the bank executes the transfers (`ReqdExctnDt`). */
  executeAfterDays: z.number().int().min(0).max(30),
});
export type RefundRunSettings = z.infer<typeof RefundRunSettings>;

export const RefundRunInput = RefundRunRequest.extend({ settings: RefundRunSettings });
export type RefundRunInput = z.infer<typeof RefundRunInput>;

/** One transfer of a run: an invoice's refund to the customer's account. */
export interface RefundTransfer {
  refundKey: string;
  invoiceNumber: string;
  customerNumber: string;
  creditorName: string;
  creditorIban: string;
  amount: Money;
}

/** A refund owed that a run does not pay, and why (no IBAN known, not in euro). */
export interface RefundLeftOut {
  invoiceNumber: string;
  customerNumber: string;
  amount: Money;
  why: string;
}

/** A run as prepared: its transfers, its file in the document store, and what it leaves out. */
export interface PreparedRefundRun {
  runId: string;
  transfers: RefundTransfer[];
  total: Money;
  /** The pain.001 file (absent when there is nothing to pay). */
  documentKey?: string;
  sha256?: string;
  /** The ISO 20022 schema the file was checked against, if one is installed for its version. */
  checkedAgainst?: string;
  leftOut: RefundLeftOut[];
}

export type RefundRunResult =
  | { outcome: 'nothing-to-refund'; leftOut: number }
  | { outcome: 'released'; transfers: number; total: Money; releasedBy: string; documentKey: string }
  | { outcome: 'rejected'; transfers: number; rejectedBy: string; reason: string };

/** `payments.refund.paid`: a card payment refunded at the payment provider (Stripe's `charge.refunded`). */
export const CardRefund = z
  .object({
    /** The payment refunded, as it was booked (the PaymentIntent's id). */
    paymentId: businessKey,
    /** The charge refunded: its refunds add up, and each event carries their total so far, a decimal of its currency. */
    chargeId: businessKey,
    refundedTotal: decimalAmount,
    currency: currencyCode,
  })
  .transform(({ refundedTotal, currency, ...refund }, ctx) => ({
    ...refund,
    refundedTotal: inMinorUnits(refundedTotal, currency, ctx, ['refundedTotal']),
  }));

/** How long a card refund waits for the payment it refunds to be booked (the provider's events come in no set order). */
export const CardRefundSettings = z.object({ recheckEvery: duration, giveUpAfter: duration });
export type CardRefundSettings = z.infer<typeof CardRefundSettings>;

/** A card refund's run: the refund, its total in minor units (as the intake converted it). */
export const CardRefundInput = z.object({
  paymentId: businessKey,
  chargeId: businessKey,
  refundedTotal: Money,
  settings: CardRefundSettings,
});
export type CardRefundInput = z.infer<typeof CardRefundInput>;

/**
 * A card refund as booked: how much of it is new, and how much of that paid back what was owed to the customer; or
 * that the payment it refunds is not booked (yet).
 */
export type CardRefundBooking =
  | {
      outcome: 'booked';
      invoiceNumber: string;
      /** What this event added to the refunds booked for the charge (0 when an earlier or later event booked it). */
      booked: Money;
      /** What the invoice owes again: the part of the refund that was not owed back to the customer. */
      reopened: Money;
    }
  | { outcome: 'payment-not-booked' };
