import type { z } from 'zod';
import type { Config } from '../../config';
import { UNSCOPED, type WebhookSender } from '../../config/webhook-senders';
import type { CloudEvent } from './cloudevent';
import { Refusal } from '../errors';
import { Unauthorized, signerOf } from './webhook-auth';

/** A system that sends events: its name, its secrets and its scope (see config/webhook-senders.ts). */
export type Sender = z.output<typeof WebhookSender> & { name: string };

/** Every configured sender: WEBHOOK_SENDERS, and the unscoped one where WEBHOOK_SECRETS is set. */
export function sendersOf(config: Pick<Config, 'WEBHOOK_SENDERS' | 'WEBHOOK_SECRETS'>): Sender[] {
  const scoped = Object.entries(config.WEBHOOK_SENDERS).map(([name, sender]) => ({ name, ...sender }));
  const secrets = config.WEBHOOK_SECRETS;
  return secrets.length === 0 ? scoped : [...scoped, { name: UNSCOPED, secrets, events: ['*'], sources: ['*'], binaryMode: true }];
}

/** Who signed the request: the first sender one of whose secrets made its signature; 401 when none did. */
export function identifySender(senders: Sender[], body: string, headers: Record<string, string | string[] | undefined>): Sender {
  try {
    return signerOf(senders, body, headers);
  } catch (error) {
    if (error instanceof Unauthorized) throw new Refusal(401, 'unauthorized', error.message);
    throw error;
  }
}

const covers = (scope: string[], value: string) =>
  scope.some((allowed) => (allowed.endsWith('*') ? value.startsWith(allowed.slice(0, -1)) : allowed === value));

/** Refuses with 403 an event outside the sender's scope: another type or source than it may send. */
export function checkScope(sender: Sender, event: Pick<CloudEvent, 'type' | 'source'>, binary: boolean): void {
  if (binary && !sender.binaryMode)
    throw new Refusal(
      403,
      'outside_scope',
      `sender "${sender.name}" sends structured-mode CloudEvents only (application/cloudevents+json)`,
    );
  if (!covers(sender.events, event.type))
    throw new Refusal(403, 'outside_scope', `sender "${sender.name}" may not send events of type "${event.type}"`);
  if (!covers(sender.sources, event.source))
    throw new Refusal(403, 'outside_scope', `sender "${sender.name}" may not send events from source "${event.source}"`);
}
