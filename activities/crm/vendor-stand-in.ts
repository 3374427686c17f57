import type { FastifyInstance } from 'fastify';

/** What every vendor's stand-in shares: faults on demand, and webhooks sent again as the vendor sends them again. */

/** A fault the API answers with for a while: HubSpot's or Pipedrive's rate limit (429), or an outage (503). */
export interface Fault {
  status: 429 | 503;
  retryAfterSeconds: number;
}

/**
 * `POST /standin/faults` with `{"status": 429 | 503, "forMs": n, "retryAfterSeconds": s}` makes the vendor's API refuse
 * for a while (at most ten minutes). The fault now, if any.
 */
export function faultsOnDemand(app: FastifyInstance): () => Fault | undefined {
  let fault = { until: 0, status: 503 as Fault['status'], retryAfterSeconds: 1 };
  app.post<{ Body: { status?: number; forMs?: number; retryAfterSeconds?: number } }>('/standin/faults', async (request) => {
    const { status = 503, forMs = 0, retryAfterSeconds = 1 } = request.body ?? {};
    const lasting = Math.min(Math.max(Number(forMs) || 0, 0), 10 * 60_000);
    fault = { until: Date.now() + lasting, status: status === 429 ? 429 : 503, retryAfterSeconds };
    return { until: new Date(fault.until).toISOString() };
  });
  return () => (Date.now() < fault.until ? { status: fault.status, retryAfterSeconds: fault.retryAfterSeconds } : undefined);
}

/** Sends a webhook (`attempt` is 1 the first time), again after a refusal or no answer, as vendors do: its last status. */
export async function sendAgainUntilTaken(send: (attempt: number) => Promise<number>, attempts = 4): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const status = await send(attempt).catch(() => 0);
    if ((status >= 200 && status < 300) || attempt >= attempts) return status;
    // Vendors wait longer (Pipedrive: 3, 30 and 150 s); a stand-in keeps the waits short.
    await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
  }
}
