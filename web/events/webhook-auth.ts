import { randomBytes } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

export class Unauthorized extends Error {}

/** How far a signature's timestamp may be from now (Standard Webhooks' five minutes). */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

/** A fresh Standard Webhooks secret (`whsec_` + 32 random bytes, base64). */
export const generateWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * Checks a request's Standard Webhooks signature (HMAC-SHA256 over `id.timestamp.body`, timestamp within
 * five minutes) against every active secret, so senders can move to a new key while the old one still works.
 */
export function verifyWebhook(secrets: string[], body: string, headers: Record<string, string | string[] | undefined>): void {
  const signed = {
    'webhook-id': String(headers['webhook-id'] ?? ''),
    'webhook-timestamp': String(headers['webhook-timestamp'] ?? ''),
    'webhook-signature': String(headers['webhook-signature'] ?? ''),
  };
  const missing = Object.entries(signed)
    .filter(([, value]) => value === '')
    .map(([name]) => name);
  if (missing.length > 0) throw new Unauthorized(`missing header(s): ${missing.join(', ')}`);
  if (!/^\d{1,12}$/.test(signed['webhook-timestamp'])) throw new Unauthorized('webhook-timestamp must be whole Unix seconds');
  // Kept as a database key while the signature is fresh: plain and short.
  if (!/^[!-~]{1,255}$/.test(signed['webhook-id'])) throw new Unauthorized('webhook-id must be 1-255 printable ASCII characters');
  let reason = 'no active secret';
  for (const secret of secrets) {
    try {
      new Webhook(secret).verify(body, signed, { jsonParse: false });
      return;
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      reason = error.message;
    }
  }
  throw new Unauthorized(`signature refused: ${reason}`);
}

/** Signs a request body the way the intake expects; used by the demo, the tests and integrators' examples. */
export function signWebhook(secret: string, body: string, id: string, at = new Date()): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}
