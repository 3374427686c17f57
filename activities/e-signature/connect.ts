import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * DocuSign Connect's HMAC signature of a message: the base64 HMAC-SHA256 of the body as sent, under one of the Connect
 * configuration's keys; a message carries one per active key, `X-DocuSign-Signature-1` … `-N`
 * (https://developers.docusign.com/platform/webhooks/connect/hmac/). It has no timestamp: Connect sends a message again
 * until answered 2xx, and a receiver dedupes.
 */
export const connectSignature = (body: Buffer | string, key: string): string => createHmac('sha256', key).update(body).digest('base64');

/** The headers Connect signs a message with, one per active key. */
export const connectHeaders = (body: Buffer | string, keys: string[]): Record<string, string> =>
  Object.fromEntries(keys.map((key, index) => [`x-docusign-signature-${index + 1}`, connectSignature(body, key)]));

/** Whether any `X-DocuSign-Signature-N` header is the body's signature under any of `keys`: one match is enough. */
export function signedByConnect(body: Buffer, headers: Record<string, string | string[] | undefined>, keys: string[]): boolean {
  const given = Object.entries(headers)
    .filter(([name]) => /^x-docusign-signature-\d+$/i.test(name))
    .flatMap(([, value]) => [value ?? []].flat())
    .map((value) => Buffer.from(value, 'base64'));
  return keys.some((key) => {
    const expected = Buffer.from(connectSignature(body, key), 'base64');
    return given.some((signature) => signature.length === expected.length && timingSafeEqual(signature, expected));
  });
}
