import { randomUUID } from 'node:crypto';
import { requestText } from '../../infra/http-request';
import type { CloudEvent } from './cloudevent';
import { signWebhook } from './webhook-auth';

export interface SendResult {
  status: number;
  body: unknown;
}

/**
 * Sends a CloudEvent to an officeflow intake the way a front-office system should: structured or binary mode,
 * signed with a Standard Webhooks secret. Used by `officeflow demo` and the tests.
 */
export async function sendEvent(
  intakeUrl: string,
  secret: string,
  event: CloudEvent,
  mode: 'structured' | 'binary' = 'structured',
): Promise<SendResult> {
  let headers: Record<string, string>;
  let body: string;
  if (mode === 'structured') {
    headers = { 'content-type': 'application/cloudevents+json' };
    body = JSON.stringify(event);
  } else {
    const { data, datacontenttype, ...attributes } = event;
    headers = { 'content-type': datacontenttype ?? 'application/json' };
    for (const [name, value] of Object.entries(attributes))
      if (value !== undefined) headers[`ce-${name}`] = encodeURIComponent(String(value));
    body = JSON.stringify(data);
  }
  const headersSigned = { ...headers, ...signWebhook(secret, body, `msg_${randomUUID()}`) };
  const answer = await requestText(new URL('/events', intakeUrl), { method: 'POST', headers: headersSigned }, body);
  return { status: answer.status, body: answer.text ? JSON.parse(answer.text) : undefined };
}
