import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Config } from '../../config';
import { Refusal, parseJson } from '../errors';
import { dealEvents, dealEventsBy } from './deal-events';
import type { SourceEvent } from './source-events';
import { type SourceIntake, take } from './take';

/** What officeflow takes from Pipedrive's webhooks. */
export interface PipedriveSource {
  /** The HTTP Basic credentials set on the webhook in Pipedrive. */
  user: string;
  password: string;
  /** Deal statuses and the officeflow event each means: `won` → `crm.deal.won`. */
  statuses: Record<string, string>;
}

/** What a Pipedrive deal's status means (its webhook carries the deal's fields, not its products or buyer). */
const DEAL_EVENTS = dealEvents('pipedrive', (status) => `marked ${status} in Pipedrive`);

/** Pipedrive's webhooks as configured; none without credentials. */
export function pipedriveSource(
  config: Pick<Config, 'PIPEDRIVE_WEBHOOK_USER' | 'PIPEDRIVE_WEBHOOK_PASSWORD' | 'PIPEDRIVE_STATUS_EVENTS'>,
): PipedriveSource | undefined {
  if (!config.PIPEDRIVE_WEBHOOK_USER || !config.PIPEDRIVE_WEBHOOK_PASSWORD) return undefined;
  return {
    user: config.PIPEDRIVE_WEBHOOK_USER,
    password: config.PIPEDRIVE_WEBHOOK_PASSWORD,
    statuses: dealEventsBy('PIPEDRIVE_STATUS_EVENTS', "a Pipedrive deal's status", config.PIPEDRIVE_STATUS_EVENTS),
  };
}

/** A webhook (v2) as Pipedrive documents it: the fields officeflow reads. */
const PipedriveWebhook = z.object({
  meta: z.object({
    id: z.string().min(1).max(100),
    action: z.string().min(1).max(50),
    entity: z.string().min(1).max(50),
    entity_id: z.string().regex(/^\d{1,18}$/),
    timestamp: z.iso.datetime({ offset: true }),
    version: z.literal('2.0'),
  }),
  data: z
    .object({ status: z.string().max(50).optional() })
    .loose()
    .nullable(),
  previous: z
    .object({ status: z.string().max(50).optional() })
    .loose()
    .nullable(),
});

/** The one event of a delivery as officeflow keeps it: mapped, ignored (no process takes it) or refused with why. */
function read(delivery: unknown, statuses: Record<string, string>): SourceEvent {
  const parsed = PipedriveWebhook.safeParse(delivery);
  if (!parsed.success) {
    const fingerprint = createHash('sha256').update(JSON.stringify(delivery)).digest('hex').slice(0, 32);
    return {
      eventKey: `malformed:${fingerprint}`,
      objectId: 'deal:?',
      occurredAt: new Date(),
      refused: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'webhook'}: ${issue.message}`).join('; '),
    };
  }
  const { meta, data, previous } = parsed.data;
  const base = {
    // Pipedrive sends the same event again with the same id (`meta.attempt` counts the tries).
    eventKey: meta.id,
    // A deal's status changes are ordered by time: one older than a change already seen is stale.
    objectId: `${meta.entity}:${meta.entity_id}:status`,
    occurredAt: new Date(meta.timestamp),
  };
  // A status change is one where `previous` names the status (it holds only the fields that changed).
  const status = meta.entity === 'deal' && meta.action === 'change' && previous?.status !== undefined ? data?.status : undefined;
  const type = status && status !== previous?.status ? statuses[status] : undefined;
  const meaning = type ? DEAL_EVENTS[type] : undefined;
  // Any status change (a deal reopened too) orders the deal's statuses; other changes stand apart from them.
  const ordered = status !== undefined ? base : { ...base, objectId: `${meta.entity}:${meta.entity_id}:${meta.action}` };
  return meaning ? { ...ordered, type, data: meaning(meta.entity_id, status!) } : ordered;
}

/** Whether a request's HTTP Basic credentials are the webhook's, compared in constant time. */
function rightCredentials(authorization: string | undefined, { user, password }: PipedriveSource): boolean {
  const expected = Buffer.from(`Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`);
  const given = Buffer.from(authorization ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * `POST /sources/pipedrive`: Pipedrive's webhooks (v2), one event each, with the HTTP Basic credentials set on the
 * webhook (Pipedrive signs nothing: https://pipedrive.readme.io/docs/guide-for-webhooks-v2). Kept at once and answered
 * in milliseconds (Pipedrive waits 10 s, then sends it again after 3, 30 and 150 s), then dispatched in the background:
 * a deal marked won starts order-to-cash, one marked lost cancels it. A malformed webhook is kept as refused.
 */
export const pipedriveSourceRoutes: FastifyPluginAsync<{ source: PipedriveSource } & SourceIntake> = async (app, { source, ...intake }) => {
  app.post('/', async (request, reply) => {
    if (!rightCredentials(request.headers.authorization, source)) {
      reply.header('www-authenticate', 'Basic realm="officeflow"');
      throw new Refusal(401, 'unauthorized', 'wrong or missing credentials for the Pipedrive webhook');
    }
    const body = typeof request.body === 'string' ? parseJson(request.body, 'body') : request.body;
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw new Refusal(400, 'invalid_request', 'a Pipedrive webhook is one JSON object');
    const event = read(body, source.statuses);
    const fresh = await take('pipedrive', [event], intake, request.log);
    return reply.code(200).send({ received: 1, new: fresh });
  });
};
