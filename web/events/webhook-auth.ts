import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export class Unauthorized extends Error {}

/** How far a signature's timestamp may be from now (Standard Webhooks' five minutes). */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

/** A fresh Standard Webhooks secret (`whsec_` + 32 random bytes, base64). */
export const generateWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

type Headers = Record<string, string | string[] | undefined>;

const SIGNED_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'];

/** What a request's signatures vouch for, its headers checked once before any secret is tried. */
interface SignedContent {
  /** `id.timestamp.body`, what Standard Webhooks signs. */
  content: string;
  /** The request's `v1` signatures (a sender may send several, space-separated, while it rotates keys). */
  signatures: Buffer[];
}

/**
 * A request's Standard Webhooks headers: present, a timestamp within five minutes of now either way, an id fit to be
 * kept. Refused (Unauthorized) before any signature is computed.
 */
function signedContentOf(body: string, headers: Headers): SignedContent {
  const values = SIGNED_HEADERS.map((name) => String(headers[name] ?? ''));
  const missing = SIGNED_HEADERS.filter((_, at) => values[at] === '');
  const [id, timestamp, signature] = values;
  if (missing.length > 0) throw new Unauthorized(`missing header(s): ${missing.join(', ')}`);
  if (!/^\d{1,12}$/.test(timestamp)) throw new Unauthorized('webhook-timestamp must be whole Unix seconds');
  // Kept as a database key while the signature is fresh: plain and short.
  if (!/^[!-~]{1,255}$/.test(id)) throw new Unauthorized('webhook-id must be 1-255 printable ASCII characters');
  const age = Math.floor(Date.now() / 1000) - Number(timestamp);
  if (age > SIGNATURE_TOLERANCE_SECONDS) throw new Unauthorized('signature refused: message timestamp too old');
  if (age < -SIGNATURE_TOLERANCE_SECONDS) throw new Unauthorized('signature refused: message timestamp too new');
  const signatures = signature
    .split(' ')
    .filter((versioned) => versioned.startsWith('v1,'))
    .map((versioned) => Buffer.from(versioned.slice(3), 'base64'));
  return { content: `${id}.${timestamp}.${body}`, signatures };
}

/**
 * A Standard Webhooks signature: HMAC-SHA256 of `id.timestamp.body` keyed with the secret's base64 bytes (after
 * `whsec_`), per https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md. Node's own
 * HMAC: the reference library's pure-JavaScript SHA-256 cost the intake, and each sender, several times as much.
 */
const signatureOf = (secret: string, content: string): Buffer =>
  createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64'))
    .update(content)
    .digest();

/**
 * Which of `signers` made the request's signature: the first one of whose secrets did, so that a signer can move to a
 * new secret while the old one still works. Unauthorized when none did.
 */
export function signerOf<S extends { secrets: string[] }>(signers: S[], body: string, headers: Headers): S {
  const { content, signatures } = signedContentOf(body, headers);
  const signer = signers.find(({ secrets }) =>
    secrets.some((secret) => {
      const expected = signatureOf(secret, content);
      return signatures.some((signature) => signature.length === expected.length && timingSafeEqual(signature, expected));
    }),
  );
  if (!signer) throw new Unauthorized(signers.length === 0 ? 'no sender is configured' : 'signature refused: no matching signature');
  return signer;
}

/** Checks a request against one sender's active secrets. */
export function verifyWebhook(secrets: string[], body: string, headers: Headers): void {
  signerOf([{ secrets }], body, headers);
}

/** Signs a request body the way the intake expects; used by the demo, the tests and integrators' examples. */
export function signWebhook(secret: string, body: string, id: string, at = new Date()): Record<string, string> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signatureOf(secret, `${id}.${timestamp}.${body}`).toString('base64')}`,
  };
}
