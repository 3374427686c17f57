import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Pool } from 'pg';
import { Refusal } from '../errors';
import { SIGNATURE_TOLERANCE_SECONDS } from './webhook-auth';

/** What a signature vouches for: the body, and the CloudEvents attributes a binary-mode request carries in headers. */
function fingerprint(body: string, headers: IncomingHttpHeaders): string {
  const attributes = Object.entries(headers)
    .filter(([name]) => name.startsWith('ce-') || name === 'content-type')
    .sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256')
    .update(JSON.stringify([body, attributes]))
    .digest('hex');
}

/**
 * Refuses a signed request replayed with other headers: each sender's `webhook-id` is good for one request while its signature
 * is fresh (kept in PostgreSQL, forgotten once the signature would be refused as stale anyway). A sender retrying the
 * identical request, as Standard Webhooks senders do, is let through and answered as a duplicate downstream.
 */
export function replayGuard(pool: Pool) {
  const forgetStale = () =>
    pool.query(`DELETE FROM webhook_deliveries WHERE received_at < now() - make_interval(secs => $1)`, [2 * SIGNATURE_TOLERANCE_SECONDS]);
  const sweep = setInterval(() => void forgetStale().catch(() => undefined), 60_000);
  sweep.unref();
  return {
    async admit(sender: string, webhookId: string, body: string, headers: IncomingHttpHeaders): Promise<void> {
      const print = fingerprint(body, headers);
      const { rows } = await pool.query<{ fingerprint: string }>(
        `INSERT INTO webhook_deliveries (sender, webhook_id, fingerprint) VALUES ($1, $2, $3)
         ON CONFLICT (sender, webhook_id) DO UPDATE SET webhook_id = EXCLUDED.webhook_id RETURNING fingerprint`,
        [sender, webhookId, print],
      );
      if (rows[0].fingerprint !== print) {
        throw new Refusal(
          401,
          'unauthorized',
          'this webhook-id was already used for another request: sign every request with an id of its own',
        );
      }
    },
    stop: () => clearInterval(sweep),
  };
}
