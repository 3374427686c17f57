import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
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
  const answer = await post(new URL('/events', intakeUrl), { ...headers, ...signWebhook(secret, body, `msg_${randomUUID()}`) }, body);
  return { status: answer.status, body: answer.text ? JSON.parse(answer.text) : undefined };
}

/**
 * One POST on Node's HTTP client (keep-alive, as its global agents are): about a third of `fetch`'s CPU a request,
 * which counts where the bench's senders share two CPUs with the intake they measure.
 */
function post(url: URL, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, text }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
