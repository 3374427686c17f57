import Stripe from 'stripe';
import type { OrderToCashResult } from '../../contracts/order';
import { type DealDesk, type InvoicedDeal, dealDesk, orderToCashTestSettings } from '../support/deals';
import { type TestEngine, mailTo, startTestEngine, startedRun, uniqueId } from '../support/engine';

/**
 * Card payments through Stripe on the real stack: the invoice e-mail offers a Checkout page, created through Stripe's
 * own SDK against stripe-mock (Stripe's API served from its OpenAPI description); Stripe's webhook events, signed as
 * Stripe signs them (the SDK's test header), settle the order once, however often and in whichever form they come.
 */

// The endpoint's signing secrets: a new one beside the old while the old rolls out.
const [SECRET, OLD_SECRET] = ['whsec_officeflow_test_new', 'whsec_officeflow_test_old'];
const stripe = new Stripe('sk_test_unused');

let engine: TestEngine;
let desk: DealDesk;
beforeAll(async () => {
  engine = await startTestEngine({
    settings: { 'order-to-cash': orderToCashTestSettings, 'card-refund': { recheckEvery: '1 second', giveUpAfter: '1 hour' } },
    env: { STRIPE_WEBHOOK_SECRETS: `${SECRET},${OLD_SECRET}` },
  });
  desk = dealDesk(engine);
});
afterAll(() => engine.stop());

/** A Stripe event about the invoice's payment, as Stripe sends it. */
function paymentEvent(invoice: InvoicedDeal, type: 'payment_intent.succeeded' | 'checkout.session.completed', paymentIntent: string) {
  const metadata = { invoiceNumber: invoice.invoiceNumber, dealId: invoice.dealId };
  const object =
    type === 'payment_intent.succeeded'
      ? {
          id: paymentIntent,
          object: 'payment_intent',
          amount: invoice.gross.amount,
          amount_received: invoice.gross.amount,
          currency: 'eur',
          status: 'succeeded',
          metadata,
        }
      : {
          id: uniqueId('cs_test'),
          object: 'checkout.session',
          payment_intent: paymentIntent,
          payment_status: 'paid',
          amount_total: invoice.gross.amount,
          currency: 'eur',
          metadata,
        };
  return stripeEvent(type, object);
}

/** A Stripe event's envelope around its object. */
const stripeEvent = (type: string, object: object) => ({
  id: uniqueId('evt'),
  object: 'event',
  api_version: '2025-09-30.clover',
  created: Math.floor(Date.now() / 1000),
  type,
  livemode: false,
  pending_webhooks: 1,
  request: { id: null, idempotency_key: null },
  data: { object },
});

/** Stripe's `charge.refunded` for a charge of the PaymentIntent: `refunded` is the total refunded so far, in cents. */
function refundEvent(charge: string, paymentIntent: string, amount: number, refunded: number) {
  return stripeEvent('charge.refunded', {
    id: charge,
    object: 'charge',
    amount,
    amount_refunded: refunded,
    currency: 'eur',
    payment_intent: paymentIntent,
    refunded: refunded === amount,
  });
}

/** Posts an event to the intake as Stripe does, signed with `secret` at `timestamp` (seconds). */
async function deliver(event: object, { secret = SECRET, timestamp = Math.floor(Date.now() / 1000) } = {}) {
  const payload = JSON.stringify(event);
  const response = await fetch(`${engine.intakeUrl}/sources/stripe`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp }),
    },
    body: payload,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const paymentsOn = async (invoice: InvoicedDeal) =>
  (await engine.pool.query(`SELECT payment_id, amount::text FROM payments WHERE invoice_number = $1`, [invoice.invoiceNumber])).rows;

it('offers a Checkout page on the invoice e-mail, through Stripe’s SDK against stripe-mock', async () => {
  const invoice = await desk.invoiced();
  const mail = (await mailTo(invoice.billingEmail)).find((m) => m.subject === `Invoice ${invoice.invoiceNumber}`);
  expect(mail?.text).toMatch(/To pay by card: https:\/\/\S+/);
});

it('settles the order from a signed payment_intent.succeeded, once however often and in whichever form Stripe sends it', async () => {
  const invoice = await desk.invoiced();
  const intent = uniqueId('pi');
  const succeeded = paymentEvent(invoice, 'payment_intent.succeeded', intent);
  expect(await deliver(succeeded)).toEqual({ status: 200, body: { received: 1, new: 1 } });
  expect(((await desk.handle(invoice.workflowId).result()) as OrderToCashResult).outcome).toBe('paid');
  // The same event again, and the Checkout Session's event of the same payment (signed with the old secret): once.
  expect(await deliver(succeeded)).toEqual({ status: 200, body: { received: 1, new: 0 } });
  expect((await deliver(paymentEvent(invoice, 'checkout.session.completed', intent), { secret: OLD_SECRET })).status).toBe(200);
  expect(await paymentsOn(invoice)).toEqual([{ payment_id: intent, amount: (invoice.gross.amount / 100).toFixed(2) }]);
});

it('refuses a wrong, stale or missing signature with 400 and keeps nothing', async () => {
  const invoice = await desk.invoiced();
  const event = paymentEvent(invoice, 'payment_intent.succeeded', uniqueId('pi'));
  expect((await deliver(event, { secret: 'whsec_guessed' })).status).toBe(400);
  expect((await deliver(event, { timestamp: Math.floor(Date.now() / 1000) - 600 })).status).toBe(400);
  const unsigned = await fetch(`${engine.intakeUrl}/sources/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(event),
  });
  expect(unsigned.status).toBe(400);
  const { rowCount } = await engine.pool.query(`SELECT 1 FROM source_events WHERE source = 'stripe' AND event_key = $1`, [event.id]);
  expect(rowCount).toBe(0);
  expect(await paymentsOn(invoice)).toEqual([]);
});

it('books card refunds from signed charge.refunded events once, even when one overtakes the payment it refunds', async () => {
  const invoice = await desk.invoiced();
  const [intent, charge] = [uniqueId('pi'), uniqueId('ch')];
  const { amount } = invoice.gross;
  // 30.00 refunded, heard of before the payment: its run waits for the payment's booking.
  const partly = refundEvent(charge, intent, amount, 3000);
  expect(await deliver(partly)).toEqual({ status: 200, body: { received: 1, new: 1 } });
  const partRun = desk.handle(`card-refund-${charge}-3000`);
  await desk.atStep(partRun.workflowId, 'awaiting-payment-booking', 'Payment provider');
  expect((await deliver(paymentEvent(invoice, 'payment_intent.succeeded', intent))).status).toBe(200);
  expect(((await desk.handle(invoice.workflowId).result()) as OrderToCashResult).outcome).toBe('paid');
  // Nothing was owed back on an invoice paid exactly: what is refunded is owed again.
  expect(await partRun.result()).toEqual({
    outcome: 'booked',
    invoiceNumber: invoice.invoiceNumber,
    booked: { amount: 3000, currency: 'EUR' },
    reopened: { amount: 3000, currency: 'EUR' },
  });
  await engine.keepHistory(partRun.workflowId, 'waited-for-the-payment-booking');

  // The rest refunded; the first event again books nothing.
  const fully = refundEvent(charge, intent, amount, amount);
  expect((await deliver(fully)).status).toBe(200);
  expect(await deliver(partly)).toEqual({ status: 200, body: { received: 1, new: 0 } });
  await (await startedRun(engine, `card-refund-${charge}-${amount}`)).result();
  const { rows } = await engine.pool.query(
    `SELECT (SELECT sum(amount)::text FROM refunds WHERE charge_id = $1) AS refunded,
            (SELECT outstanding::text FROM invoice_balances WHERE invoice_number = $2) AS owed,
            (SELECT sum(l.credit)::text FROM journal_lines l JOIN ledger_accounts a ON a.code = l.account
              WHERE a.role = 'bank' AND l.entry_key IN (SELECT 'refund/' || refund_key FROM refunds WHERE charge_id = $1)) AS paid_out`,
    [charge, invoice.invoiceNumber],
  );
  const gross = (amount / 100).toFixed(2);
  expect(rows).toEqual([{ refunded: gross, owed: gross, paid_out: gross }]);
});
