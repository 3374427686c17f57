import { createHash } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Config } from '../../config';
import { Refusal, parseJson } from '../errors';
import { dealEvents, dealEventsBy } from './deal-events';
import { verifyHubSpot } from './hubspot-signature';
import type { SourceEvent } from './source-events';
import { type SourceIntake, take } from './take';

/** What officeflow takes from HubSpot's app webhooks. */
export interface HubSpotSource {
  /** The app's client secrets (the current one first, an old one beside it while rotating). */
  clientSecrets: string[];
  /** Deal stage ids and the officeflow event each means: `closedwon` → `crm.deal.won`. */
  dealStages: Record<string, string>;
  /** officeflow's address as HubSpot calls it (the app's target URL is `PUBLIC_URL/sources/hubspot`). */
  publicUrl: string;
}

/** HubSpot's webhooks as configured (`HUBSPOT_CLIENT_SECRETS`, `HUBSPOT_STAGE_EVENTS`); none without a client secret. */
export function hubspotSource(config: Pick<Config, 'HUBSPOT_CLIENT_SECRETS' | 'HUBSPOT_STAGE_EVENTS'> & { publicUrl: string }) {
  if (config.HUBSPOT_CLIENT_SECRETS.length === 0) return undefined;
  return {
    clientSecrets: config.HUBSPOT_CLIENT_SECRETS,
    dealStages: dealEventsBy('HUBSPOT_STAGE_EVENTS', 'a HubSpot deal stage', config.HUBSPOT_STAGE_EVENTS),
    publicUrl: config.publicUrl,
  };
}

/** What a HubSpot deal entering a stage means. */
const DEAL_EVENTS = dealEvents('hubspot', (stage) => `moved to stage ${stage} in HubSpot`);

/** One event of a delivery, as HubSpot's webhooks API documents it (the fields officeflow reads). */
const HubSpotEvent = z.object({
  eventId: z.number().int(),
  subscriptionType: z.string().min(1).max(100),
  portalId: z.number().int(),
  objectId: z.number().int(),
  occurredAt: z.number().int().positive(),
  propertyName: z.string().max(100).optional(),
  propertyValue: z.string().max(255).optional(),
  attemptNumber: z.number().int().optional(),
});

/** At most this many events in one delivery: HubSpot batches up to 100. */
const MAX_BATCH = 100;

/** An event of a delivery as officeflow keeps it: mapped, ignored (no process takes it) or refused with why. */
function read(element: unknown, dealStages: Record<string, string>): SourceEvent {
  const parsed = HubSpotEvent.safeParse(element);
  if (!parsed.success) {
    const fingerprint = createHash('sha256')
      .update(JSON.stringify(element) ?? 'undefined')
      .digest('hex')
      .slice(0, 32);
    const objectId = (element as { objectId?: unknown } | null)?.objectId;
    return {
      eventKey: `malformed:${fingerprint}`,
      objectId: `deal:${typeof objectId === 'number' ? objectId : '?'}`,
      occurredAt: new Date(),
      refused: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'event'}: ${issue.message}`).join('; '),
    };
  }
  const event = parsed.data;
  const [objectType] = event.subscriptionType.split('.');
  const base = {
    // HubSpot may send an event again: its id and time name it (HubSpot's advice for deduplicating).
    eventKey: `${event.portalId}:${event.eventId}:${event.occurredAt}`,
    // Changes of one property of one object are ordered by time: a stage change older than one seen is stale.
    objectId: `${objectType}:${event.objectId}:${event.propertyName ?? event.subscriptionType}`,
    occurredAt: new Date(event.occurredAt),
  };
  const type =
    event.subscriptionType === 'deal.propertyChange' && event.propertyName === 'dealstage' && event.propertyValue
      ? dealStages[event.propertyValue]
      : undefined;
  const meaning = type ? DEAL_EVENTS[type] : undefined;
  return meaning ? { ...base, type, data: meaning(String(event.objectId), event.propertyValue!) } : base;
}

/**
 * `POST /sources/hubspot`: HubSpot's app webhooks. A delivery is signed (v3 signature, see hubspot-signature.ts) and
 * holds up to 100 events; each is kept at once and answered for in well under HubSpot's timeout, then dispatched in
 * the background (a deal entering a stage the settings map starts or signals its process). A malformed event is kept
 * as refused, visible to operators, and the rest of its delivery is taken: no 5xx that would make HubSpot send it all
 * again. https://developers.hubspot.com/docs/api-reference/legacy/webhooks/guide
 */
export const hubspotSourceRoutes: FastifyPluginAsync<{ source: HubSpotSource } & SourceIntake> = async (app, { source, ...intake }) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.post('/', async (request, reply) => {
    const body = (request.body as string | undefined) ?? '';
    verifyHubSpot(source.clientSecrets, {
      method: 'POST',
      uri: new URL(request.url, source.publicUrl).href,
      body,
      headers: request.headers,
    });
    const delivery = parseJson(body, 'body');
    if (!Array.isArray(delivery) || delivery.length > MAX_BATCH)
      throw new Refusal(400, 'invalid_request', `a HubSpot delivery is a JSON array of at most ${MAX_BATCH} events`);
    const received = delivery.map((element) => read(element, source.dealStages));
    const fresh = await take('hubspot', received, intake, request.log);
    return reply.code(200).send({ received: received.length, new: fresh });
  });
};
