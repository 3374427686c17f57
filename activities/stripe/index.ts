import { z } from 'zod';
import { commaList, httpUrl, port } from '../../config/fields';
import { localPort } from '../../infra/ports';
import { defineSystem } from '../system';
import { stripeActivities } from './checkout';

/** A key stripe-mock takes (it checks the form only). */
const MOCK_KEY = 'sk_test_officeflow';

/**
 * Card payments through Stripe: the invoice e-mail offers a Checkout page, and Stripe's signed webhooks
 * (`POST /sources/stripe`) tell of the payment. Unset, officeflow takes no cards; locally, stripe-mock stands in for
 * Stripe's API where Go can build it.
 */
export default defineSystem({
  name: 'stripe',
  settings: z.object({
    /** A secret (or restricted) key allowed to create Checkout Sessions; unset, no card payments are offered. */
    STRIPE_SECRET_KEY: z.string().min(1).optional(),
    /** Stripe's API, or stripe-mock's. */
    STRIPE_API_URL: httpUrl.default('https://api.stripe.com'),
    STRIPE_MOCK_PORT: port(12111),
    /** Where Checkout sends the customer once paid. */
    STRIPE_SUCCESS_URL: httpUrl.default('https://officeflow.example/thank-you'),
    /** The webhook endpoint's signing secrets (`whsec_…`), the new one first while rolling; unset, no Stripe events taken. */
    STRIPE_WEBHOOK_SECRETS: commaList,
  }),
  connect: (settings) => ({
    activities: stripeActivities(
      settings.STRIPE_SECRET_KEY
        ? { secretKey: settings.STRIPE_SECRET_KEY, apiUrl: settings.STRIPE_API_URL, successUrl: settings.STRIPE_SUCCESS_URL }
        : undefined,
    ),
  }),
  standIn: {
    needed: (settings) => !settings.STRIPE_SECRET_KEY,
    async start(settings, { host }) {
      const boundPort = await localPort(settings.STRIPE_MOCK_PORT, 'STRIPE_MOCK_PORT', host);
      const { startStripeMock } = await import('./mock.js');
      const mock = await startStripeMock(boundPort);
      if (!mock) {
        const none: Record<string, string> = {};
        return {
          settings: none,
          shown: { label: 'Card payments', value: 'none: no Go to build stripe-mock' },
          stop: async () => undefined,
        };
      }
      return {
        settings: { STRIPE_SECRET_KEY: MOCK_KEY, STRIPE_API_URL: mock.url, STRIPE_MOCK_PORT: String(boundPort) },
        shown: { label: 'Card payments', value: `${mock.url}   (stripe-mock: Stripe's API from its OpenAPI description)` },
        stop: mock.stop,
      };
    },
  },
});
