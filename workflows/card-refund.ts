import { ApplicationFailure, proxyActivities, sleep } from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time';
import type { Activities } from '../activities';
import type { CardRefundBooking, CardRefundInput } from '../contracts/refunds';
import { trackProgress } from './progress';
import { quickStep } from './retry-profiles';

const { bookCardRefund } = proxyActivities<Activities>(quickStep);

/**
 * A card refund made at the payment provider: booked against the invoice its payment paid — what the customer was owed
 * back first, the rest owed again on the invoice, for Finance to see in its balance. A refund heard of before its
 * payment was booked waits for the booking, and fails for a person if it never comes.
 */
export async function cardRefund({ paymentId, chargeId, refundedTotal, settings }: CardRefundInput): Promise<CardRefundBooking> {
  const progress = trackProgress('booking');
  const giveUpAt = Date.now() + msToNumber(settings.giveUpAfter);
  for (;;) {
    const booking = await bookCardRefund({ paymentId, chargeId, refundedTotal });
    if (booking.outcome === 'booked') {
      progress.enterStep(booking.reopened.amount > 0 ? 'invoice-owed-again' : 'booked');
      return booking;
    }
    if (Date.now() >= giveUpAt)
      throw ApplicationFailure.nonRetryable(
        `payment ${paymentId} was never booked: its card refund (${chargeId}) cannot be booked against an invoice`,
        'RefundedPaymentUnknown',
      );
    progress.enterStep('awaiting-payment-booking', { on: 'Payment provider', until: new Date(giveUpAt) });
    await sleep(settings.recheckEvery);
  }
}
