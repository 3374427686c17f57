import type { Payload, PayloadCodec } from '@temporalio/common';

/** A payload in proto3 JSON, as the Temporal UI and exported histories carry it: bytes in base64. */
export interface JsonPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

export const fromJson = ({ metadata, data }: JsonPayload): Payload => ({
  metadata: metadata ? Object.fromEntries(Object.entries(metadata).map(([key, value]) => [key, Buffer.from(value, 'base64')])) : undefined,
  data: data ? Buffer.from(data, 'base64') : undefined,
});

export const toJson = ({ metadata, data }: Payload): JsonPayload => ({
  metadata: metadata
    ? Object.fromEntries(Object.entries(metadata).map(([key, value]) => [key, Buffer.from(value).toString('base64')]))
    : undefined,
  data: data ? Buffer.from(data).toString('base64') : undefined,
});

const isJsonPayload = (value: object): value is JsonPayload =>
  'metadata' in value && 'data' in value && typeof (value as JsonPayload).metadata?.encoding === 'string';

/** Decodes every payload found anywhere in a JSON document (an exported history, say) with `codec`. */
export async function decodeJsonPayloads(document: unknown, codec: PayloadCodec): Promise<unknown> {
  if (Array.isArray(document)) return Promise.all(document.map((item) => decodeJsonPayloads(item, codec)));
  if (typeof document !== 'object' || document === null) return document;
  if (isJsonPayload(document)) return toJson((await codec.decode([fromJson(document)]))[0]);
  const entries = await Promise.all(Object.entries(document).map(async ([key, value]) => [key, await decodeJsonPayloads(value, codec)]));
  return Object.fromEntries(entries);
}
