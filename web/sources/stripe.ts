import type { FastifyPluginAsync } from 'fastify';
import Stripe from 'stripe';
import type { Config } from '../../config';
import { toDecimal } from '../../contracts/money';
import { Refusal } from '../errors';
import type { SourceEvent } from './source-events';
import { type SourceIntake, take } from './take';

/** Stripe's webhooks as configured (`STRIPE_WEBHOOK_SECRETS`); none without a signing secret. */
export interface StripeSource {
  secrets: string[];
}

export const stripeSource = (config: Pick<Config, 'STRIPE_WEBHOOK_SECRETS'>): StripeSource | undefined =>
  config.STRIPE_WEBHOOK_SECRETS.length ? { secrets: config.STRIPE_WEBHOOK_SECRETS } : undefined;

/** What officeflow reads of a payment's Stripe object: the amount received, and the invoice and deal it named. */
type Paid = { id: string; currency: string; metadata?: Record<string, string> | null };

/**
 * The event a Stripe event means, if any: a PaymentIntent that succeeded, or a Checkout Session completed and paid,
 * for an order (its `dealId` in the metadata officeflow set) is that order's payment, keyed by the PaymentIntent (one
 * payment, whichever of the two events comes first); a charge refunded (`charge.refunded`, whose `amount_refunded` is
 * the total refunded so far: https://docs.stripe.com/api/charges/object#charge_object-amount_refunded) is a refund of
 * the PaymentIntent's payment.
 */
function read(event: Stripe.Event): SourceEvent {
  const base = { eventKey: event.id, objectId: `stripe:${event.id}`, occurredAt: new Date(event.created * 1000) };
  const payment = (object: Paid, paymentId: string | null | undefined, amount: number | null | undefined) => {
    const dealId = object.metadata?.dealId;
    if (!dealId || !paymentId || !amount) return base;
    const currency = object.currency.toUpperCase();
    return {
      ...base,
      type: 'payments.payment.received',
      data: { dealId, paymentId, amount: toDecimal({ amount, currency }), currency },
    };
  };
  switch (event.type) {
    case 'payment_intent.succeeded':
      return payment(event.data.object, event.data.object.id, event.data.object.amount_received);
    case 'checkout.session.completed': {
      const session = event.data.object;
      const intent = typeof session.payment_intent === 'string' ? session.payment_intent : session.payment_intent?.id;
      return session.payment_status === 'paid'
        ? payment({ ...session, currency: session.currency ?? '' }, intent, session.amount_total)
        : base;
    }
    case 'charge.refunded': {
      const charge = event.data.object;
      const intent = typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
      const currency = charge.currency.toUpperCase();
      if (!intent || !charge.amount_refunded) return base;
      return {
        ...base,
        // A charge's later refund makes an earlier event's total stale.
        objectId: `stripe:${charge.id}`,
        type: 'payments.refund.paid',
        data: { paymentId: intent, chargeId: charge.id, refundedTotal: toDecimal({ amount: charge.amount_refunded, currency }), currency },
      };
    }
    default:
      return base;
  }
}

/**
 * `POST /sources/stripe`: Stripe's webhook events, each verified as Stripe signs them — `Stripe-Signature: t=…,v1=…`,
 * an HMAC-SHA256 of `t.body` under the endpoint's secret, at most five minutes old, any of several `v1` while a secret
 * rolls — through Stripe's own `webhooks.constructEvent` (https://docs.stripe.com/webhooks#verify-events). A bad or stale
 * signature is 400 and nothing is kept. Stripe sends an event again until answered 2xx, and not in order: kept once by
 * its id, answered at once, dispatched in the background.
 */
export const stripeSourceRoutes: FastifyPluginAsync<{ source: StripeSource } & SourceIntake> = async (app, { source, ...intake }) => {
  app.removeAllContentTypeParsers();
  // The signature is over the body as sent: kept as bytes.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post('/', async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const signature = request.headers['stripe-signature'];
    let event: Stripe.Event | undefined;
    for (const secret of source.secrets) {
      try {
        event = Stripe.webhooks.constructEvent(body, typeof signature === 'string' ? signature : '', secret);
        break;
      } catch {
        // Another secret may have signed it (while one rolls).
      }
    }
    if (!event) throw new Refusal(400, 'invalid_signature', 'the Stripe-Signature is missing, wrong or too old');
    const fresh = await take('stripe', [read(event)], intake, request.log);
    return reply.code(200).send({ received: 1, new: fresh });
  });
};
