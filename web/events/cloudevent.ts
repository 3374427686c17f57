import { z } from 'zod';
import { Refusal, fieldErrors, parseJson } from '../errors';

/** A CloudEvents 1.0 event whose data is JSON. */
export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject?: string;
  time?: string;
  datacontenttype?: string;
  dataschema?: string;
  data?: unknown;
}

// One line of text, kept in PostgreSQL as part of a key: no control characters (NUL included), at most 255 characters.
const text = z
  .string('must be a string')
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .refine((value) => !/\p{Cc}/u.test(value), 'must not contain control characters');

const attributes = z.object({
  specversion: z.literal('1.0', 'must be "1.0"'),
  id: text,
  source: text,
  type: text,
  subject: text.optional(),
  time: z.iso.datetime({ offset: true, message: 'must be an RFC 3339 timestamp' }).optional(),
  datacontenttype: z
    .string()
    .regex(/^application\/([\w.+-]+\+)?json\b/i, 'only JSON data is accepted')
    .optional(),
  dataschema: text.optional(),
});

export const STRUCTURED = 'application/cloudevents+json';
export const JSON_TYPES = ['application/json', STRUCTURED];

/** The media type of a Content-Type header, lower-cased, without parameters. */
export const mediaType = (contentType: string | undefined): string => (contentType ?? '').split(';')[0].trim().toLowerCase();

function checked(candidate: Record<string, unknown>, prefix: string): CloudEvent {
  const result = attributes.safeParse(candidate);
  if (!result.success) {
    const fields = fieldErrors(result.error, '').map((f) => ({ ...f, field: prefix + f.field }));
    throw new Refusal(400, 'invalid_cloudevent', 'the request is not a valid CloudEvents 1.0 event', fields);
  }
  return { ...result.data, specversion: '1.0', data: candidate.data };
}

/**
 * Reads a CloudEvent from an HTTP request in either content mode of the CloudEvents HTTP binding:
 * structured (the whole event as `application/cloudevents+json`) or binary (attributes in `ce-*` headers,
 * the data as the JSON body). Field errors name attributes as the sender wrote them.
 */
export function readCloudEvent(headers: Record<string, string | string[] | undefined>, body: string): CloudEvent {
  if (mediaType(headers['content-type'] as string) === STRUCTURED) {
    const event = parseJson(body, 'body');
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      throw new Refusal(400, 'invalid_cloudevent', 'a structured CloudEvent must be a JSON object', [
        { field: 'body', message: 'must be a JSON object' },
      ]);
    }
    return checked(event as Record<string, unknown>, '');
  }
  const fromHeaders: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('ce-') && typeof value === 'string') fromHeaders[name.slice(3)] = percentDecode(value);
  }
  fromHeaders.datacontenttype = headers['content-type'];
  fromHeaders.data = body.length > 0 ? parseJson(body, 'data') : undefined;
  return checked(fromHeaders, 'ce-');
}

/** Binary-mode header values are percent-encoded (CloudEvents HTTP binding, 3.1.3.2). */
function percentDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
