import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Pool } from 'pg';
import { Refusal } from '../errors';
import { SIGNATURE_TOLERANCE_SECONDS } from './webhook-auth';

/**
 * A signed request as the replay guard keeps it: each sender's `webhook-id` is good for one request while its
 * signature is fresh, so a signed request cannot be replayed with other headers. A sender retrying the identical
 * request, as Standard Webhooks senders do, is let through and answered as a duplicate downstream.
 */
export interface Delivery {
  sender: string;
  webhookId: string;
  /** What the signature vouches for: the body, and the CloudEvents attributes a binary-mode request carries in headers. */
  fingerprint: string;
}

export function deliveryOf(sender: string, body: string, headers: IncomingHttpHeaders): Delivery {
  const attributes = Object.entries(headers)
    .filter(([name]) => name.startsWith('ce-') || name === 'content-type')
    .sort(([a], [b]) => a.localeCompare(b));
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([body, attributes]))
    .digest('hex');
  return { sender, webhookId: String(headers['webhook-id']), fingerprint };
}

/**
 * Records a delivery inside the statement that looks its event up, so that taking an event costs one round trip less:
 * a common table expression (its parameters numbered from `first`) whose one row is the fingerprint the webhook-id was
 * first recorded with. Recording is atomic: of two requests racing with one webhook-id, the second sees the first's.
 */
export function recordingOf({ sender, webhookId, fingerprint }: Delivery, first: number): { sql: string; values: string[] } {
  const [s, w, f] = [first, first + 1, first + 2];
  return {
    sql: `INSERT INTO webhook_deliveries (sender, webhook_id, fingerprint) VALUES ($${s}, $${w}, $${f})
          ON CONFLICT (sender, webhook_id) DO UPDATE SET webhook_id = EXCLUDED.webhook_id RETURNING fingerprint`,
    values: [sender, webhookId, fingerprint],
  };
}

/** Refuses a request whose webhook-id was first recorded for another request. */
export function refuseReplayed(delivery: Delivery, recordedFingerprint: string): void {
  if (recordedFingerprint !== delivery.fingerprint) {
    throw new Refusal(
      401,
      'unauthorized',
      'this webhook-id was already used for another request: sign every request with an id of its own',
    );
  }
}

/** Forgets deliveries once their signatures would be refused as stale anyway (every minute). */
export function forgetStaleDeliveries(pool: Pool): { stop(): void } {
  const forget = () =>
    pool.query(`DELETE FROM webhook_deliveries WHERE received_at < now() - make_interval(secs => $1)`, [2 * SIGNATURE_TOLERANCE_SECONDS]);
  const sweep = setInterval(() => void forget().catch(() => undefined), 60_000);
  sweep.unref();
  return { stop: () => clearInterval(sweep) };
}
