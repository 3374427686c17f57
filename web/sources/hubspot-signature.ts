import { createHmac, timingSafeEqual } from 'node:crypto';
import { Refusal } from '../errors';

/** How old a signed request may be: HubSpot's own limit for v3 signatures. */
const MAX_AGE_MS = 5 * 60_000;

/**
 * The characters HubSpot decodes in the URI before signing it (all but the `?` that starts the query string).
 * https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/request-validation
 */
const DECODED: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

/** The URI as HubSpot signs it. */
export const signedUri = (uri: string) => uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (code) => DECODED[code.toUpperCase()]);

/** HubSpot's v3 signature: base64 of HMAC-SHA256 under the app's client secret over method + URI + body + timestamp. */
export const hubspotSignature = (secret: string, method: string, uri: string, body: string, timestamp: string) =>
  createHmac('sha256', secret)
    .update(`${method}${signedUri(uri)}${body}${timestamp}`, 'utf8')
    .digest('base64');

/**
 * Checks a request's `X-HubSpot-Signature-v3` against each of the app's client secrets (a new one beside the old while
 * it is rotated), its `X-HubSpot-Request-Timestamp` (milliseconds) no older than five minutes: 401 otherwise.
 * `uri` is the full URL HubSpot called, as the app's webhook settings name it.
 */
export function verifyHubSpot(
  secrets: string[],
  request: { method: string; uri: string; body: string; headers: Record<string, string | string[] | undefined> },
  now = Date.now(),
): void {
  const signature = request.headers['x-hubspot-signature-v3'];
  const timestamp = request.headers['x-hubspot-request-timestamp'];
  if (typeof signature !== 'string' || typeof timestamp !== 'string')
    throw new Refusal(401, 'unauthorized', 'missing X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp');
  if (!/^\d{1,15}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > MAX_AGE_MS)
    throw new Refusal(401, 'unauthorized', 'X-HubSpot-Request-Timestamp is not within five minutes of now');
  const given = Buffer.from(signature);
  const matches = secrets.some((secret) => {
    const expected = Buffer.from(hubspotSignature(secret, request.method, request.uri, request.body, timestamp));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!matches) throw new Refusal(401, 'unauthorized', 'the HubSpot signature does not match');
}
