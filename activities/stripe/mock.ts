import { goTool } from '../../infra/go';
import { spawnServer } from '../../infra/process-group';

/** Stripe's own API mock, served from Stripe's OpenAPI description (stateless; it sends no webhooks). */
export const STRIPE_MOCK_MODULE = 'github.com/stripe/stripe-mock@v0.203.0';

/** stripe-mock on 127.0.0.1:`port`, built from its Go module once; undefined where there is no Go to build it. */
export async function startStripeMock(port: number) {
  const binary = goTool('stripe-mock', STRIPE_MOCK_MODULE, () => undefined);
  if (!binary) return undefined;
  // Its HTTPS side on a port of the system's choosing: its default (12112) would keep a second one from starting.
  const server = spawnServer(binary, ['-http-addr', `127.0.0.1:${port}`, '-https-addr', '127.0.0.1:']);
  const url = `http://127.0.0.1:${port}`;
  for (const until = Date.now() + 15_000; ; await new Promise((resolve) => setTimeout(resolve, 100))) {
    // Any answer (stripe-mock refuses a request without a key with 401) means it listens.
    if (
      await fetch(`${url}/v1/balance`).then(
        () => true,
        () => false,
      )
    )
      break;
    if (server.child.exitCode !== null || Date.now() > until) {
      await server.stop();
      throw new Error(`stripe-mock did not start: ${server.lastWords()}`);
    }
  }
  return { url, stop: () => server.stop() };
}
