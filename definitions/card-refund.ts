import { formatMoney } from '../contracts/money';
import { CardRefund, CardRefundInput, type CardRefundSettings } from '../contracts/refunds';
import { cardRefund } from '../workflows/card-refund';
import { defineProcess, startsOn } from './define';

const settings: CardRefundSettings = { recheckEvery: '5 minutes', giveUpAfter: '1 day' };

/**
 * Card refunds. A card payment refunded at the payment provider (Stripe's `charge.refunded`) is booked against the
 * invoice it paid.
 */
export default defineProcess({
  name: 'card-refund',
  description: 'A card payment refunded at the payment provider is booked against the invoice it paid.',
  workflow: cardRefund,
  taskQueue: 'card-refund',
  businessObject: 'charge',
  expectations: { booking: '30 minutes' },
  // Short runs: they move to a new build at their next step.
  versioning: 'auto-upgrade',
  settings,
  input: CardRefundInput,
  describe: ({ chargeId, refundedTotal }) => ({
    businessKey: chargeId,
    summary: `Book the card refund of ${chargeId} (${formatMoney(refundedTotal)} refunded in all)`,
  }),
  searchAttributes: [],
  savedQueries: {
    'invoice-owed-again': {
      description: 'Card refunds beyond what the customer was owed back: their invoices are owed again',
      query: 'ProcessStep = "invoice-owed-again"',
    },
  },
  // The demo makes no card payment: its refund waits for the payment's booking.
  demo: {
    events: ['payments.refund.paid'],
    restsAt: { 'awaiting-payment-booking': 'waits a day for the card payment it refunds to be booked: the demo pays none by card' },
  },
  initialSearchAttributes: () => [],
  triggers: [
    startsOn({
      type: 'payments.refund.paid',
      description:
        "A card payment was refunded at the payment provider (Stripe's charge.refunded): the total refunded of its charge so far.",
      data: CardRefund,
      // Each total of a charge once: a redelivered event is the same run, a further refund a run of its own.
      workflowId: ({ chargeId, refundedTotal }) => `card-refund-${chargeId}-${refundedTotal.amount}`,
      example: {
        source: '/stripe',
        id: 'evt_3QrefundExample',
        data: { paymentId: 'pi_3QexamplePaymentIntent', chargeId: 'ch_3QexampleCharge', refundedTotal: 119, currency: 'EUR' },
      },
    }),
  ],
});
