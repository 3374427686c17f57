import { ApplicationFailure } from '@temporalio/common';
import Stripe from 'stripe';
import type { Money } from '../../contracts/money';

export interface StripeConnection {
  secretKey: string;
  /** Stripe's API, or stripe-mock's. */
  apiUrl: string;
  /** Where Checkout sends the payer once paid. */
  successUrl: string;
}

/** What an order's card payment is named by: the metadata Stripe hands back on its events. */
export interface CardPaymentFor {
  invoiceNumber: string;
  dealId: string;
  amount: Money;
  customerEmail: string;
}

/** Stripe's error, as officeflow fails the step with it: a limit or an outage passes, anything else fails for good. */
function refusal(error: unknown): ApplicationFailure {
  const stripeError = error instanceof Stripe.errors.StripeError ? error : undefined;
  const status = stripeError?.statusCode ?? 0;
  const message = `Stripe refused the card payment: ${stripeError?.message ?? String(error)}${stripeError?.param ? ` (${stripeError.param})` : ''}`;
  return status === 429 || status >= 500 || stripeError?.type === 'StripeConnectionError'
    ? ApplicationFailure.create({ message, type: 'PaymentProviderUnavailable' })
    : ApplicationFailure.nonRetryable(message, 'PaymentProviderRefused');
}

/**
 * Card payments through Stripe's own SDK: an invoice's Checkout Session (a page where the customer pays by card), its
 * invoice and deal in the metadata of the session and of its PaymentIntent, so Stripe's events name them. Created once
 * per invoice: Stripe's idempotency key makes a retried step get the same session.
 */
export function stripeActivities(connection: StripeConnection | undefined) {
  const api = new URL(connection?.apiUrl ?? 'https://api.stripe.com');
  const stripe =
    connection &&
    new Stripe(connection.secretKey, {
      host: api.hostname,
      port: Number(api.port || (api.protocol === 'https:' ? 443 : 80)),
      protocol: api.protocol === 'https:' ? 'https' : 'http',
      maxNetworkRetries: 2,
    });
  return {
    /** The page where the customer pays the invoice by card, or undefined where officeflow takes no cards (no Stripe). */
    async offerCardPayment(payment: CardPaymentFor): Promise<{ url: string; sessionId: string } | undefined> {
      if (!stripe || !connection) return undefined;
      const metadata = { invoiceNumber: payment.invoiceNumber, dealId: payment.dealId };
      try {
        const session = await stripe.checkout.sessions.create(
          {
            mode: 'payment',
            customer_email: payment.customerEmail,
            line_items: [
              {
                quantity: 1,
                price_data: {
                  currency: payment.amount.currency.toLowerCase(),
                  unit_amount: payment.amount.amount,
                  product_data: { name: `Invoice ${payment.invoiceNumber}` },
                },
              },
            ],
            metadata,
            payment_intent_data: { metadata },
            success_url: connection.successUrl,
          },
          { idempotencyKey: `officeflow-checkout-${payment.invoiceNumber}` },
        );
        if (!session.url) throw new Error(`Checkout Session ${session.id} has no URL`);
        return { url: session.url, sessionId: session.id };
      } catch (error) {
        throw refusal(error);
      }
    },
  };
}
