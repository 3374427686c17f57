import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import type { Config } from '../../config';
import { Refusal } from '../errors';
import { dealEvents, dealEventsBy } from './deal-events';
import type { SourceEvent } from './source-events';
import { type SourceIntake, take } from './take';

/** What officeflow takes from Salesforce's Outbound Messages. */
export interface SalesforceSource {
  /** The orgs whose messages are taken (their 15-character ids): any other is refused. */
  organizationIds: string[];
  /** Opportunity stages and the officeflow event each means: `Closed Won` → `crm.deal.won`. */
  stages: Record<string, string>;
  /** The secret the endpoint URL carries. */
  endpointToken: string;
}

/** What an Opportunity's stage means (the message carries the fields it names, not the line items). */
const OPPORTUNITY_EVENTS = dealEvents('salesforce', (stage) => `moved to ${stage} in Salesforce`);

/** Salesforce's Outbound Messages as configured; none without an org. */
export function salesforceSource(
  config: Pick<Config, 'SALESFORCE_ORGANIZATION_IDS' | 'SALESFORCE_STAGE_EVENTS' | 'SALESFORCE_ENDPOINT_TOKEN'>,
): SalesforceSource | undefined {
  // The configuration refuses an org without a token (see config/index.ts).
  if (config.SALESFORCE_ORGANIZATION_IDS.length === 0 || !config.SALESFORCE_ENDPOINT_TOKEN) return undefined;
  return {
    organizationIds: config.SALESFORCE_ORGANIZATION_IDS.map(org15),
    stages: dealEventsBy('SALESFORCE_STAGE_EVENTS', "an Opportunity's stage", config.SALESFORCE_STAGE_EVENTS),
    endpointToken: config.SALESFORCE_ENDPOINT_TOKEN,
  };
}

/** An org's id as compared: its 15-character form (the 18-character one adds a case checksum). */
const org15 = (id: string) => id.slice(0, 15);

const salesforceId = z.string().regex(/^[A-Za-z0-9]{15,18}$/, 'must be a Salesforce id');
/** One `Notification` of a message, as the Outbound Messaging WSDL describes it: the fields officeflow reads. */
const Notification = z.object({
  Id: salesforceId,
  sObject: z.object({
    Id: salesforceId,
    StageName: z.string().min(1).max(255).optional(),
    LastModifiedDate: z.iso.datetime({ offset: true }).optional(),
  }),
});

const soap = new XMLParser({
  // A notification needs no entities: none are expanded.
  processEntities: false,
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Ids and amounts stay text.
  parseTagValue: false,
  isArray: (_name, path) => path === 'Envelope.Body.notifications.Notification',
});

/** The acknowledgement Salesforce waits for; until it has it, it sends the message again, for up to 24 hours. */
const ACK = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>`;

/** A notification as officeflow keeps it: mapped, ignored (no process takes it) or refused with why. */
function read(notification: unknown, stages: Record<string, string>, index: number): SourceEvent {
  const parsed = Notification.safeParse(notification);
  if (!parsed.success) {
    const id = (notification as { Id?: unknown } | null)?.Id;
    return {
      eventKey: `malformed:${typeof id === 'string' ? id.slice(0, 40) : `${Date.now()}-${index}`}`,
      objectId: 'opportunity:?',
      occurredAt: new Date(),
      refused: parsed.error.issues.map((issue) => `Notification.${issue.path.join('.')}: ${issue.message}`).join('; '),
    };
  }
  const { Id, sObject } = parsed.data;
  const base = {
    // Salesforce sends a notification again, and out of order, until acknowledged: its id names it.
    eventKey: Id,
    // Include LastModifiedDate in the outbound message's fields: it orders the changes of one Opportunity.
    objectId: `opportunity:${sObject.Id}:StageName`,
    occurredAt: sObject.LastModifiedDate ? new Date(sObject.LastModifiedDate) : new Date(),
  };
  const type = sObject.StageName ? stages[sObject.StageName] : undefined;
  const meaning = type ? OPPORTUNITY_EVENTS[type] : undefined;
  return meaning ? { ...base, type, data: meaning(sObject.Id, sObject.StageName!) } : base;
}

/**
 * `POST /sources/salesforce/<token>`: Salesforce's Outbound Messages (SOAP `notifications`, up to 100 each) for
 * Opportunities, to the endpoint URL with the secret token, from the configured orgs only (https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_om_outboundmessaging_understanding.htm).
 * Kept at once and acknowledged (`notificationsResponse`, `Ack` true), then dispatched in the background: an
 * Opportunity entering a mapped stage starts or cancels its order. A malformed notification is kept as refused and
 * acknowledged with the rest, so Salesforce does not send the whole message again.
 */
export const salesforceSourceRoutes: FastifyPluginAsync<{ source: SalesforceSource } & SourceIntake> = async (
  app,
  { source, ...intake },
) => {
  app.addContentTypeParser(['text/xml', 'application/xml', 'application/soap+xml'], { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );
  app.post<{ Params: { token: string } }>('/:token', async (request, reply) => {
    const given = Buffer.from(request.params.token);
    const expected = Buffer.from(source.endpointToken);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new Refusal(401, 'unauthorized', 'this is not the endpoint URL Salesforce was given');
    const body = typeof request.body === 'string' ? request.body : '';
    let message: { OrganizationId?: unknown; Notification?: unknown[] } | undefined;
    try {
      message = (soap.parse(body) as { Envelope?: { Body?: { notifications?: typeof message } } }).Envelope?.Body?.notifications;
    } catch {
      message = undefined;
    }
    if (!message) throw new Refusal(400, 'invalid_request', 'not a SOAP envelope with Salesforce outbound notifications');
    const org = typeof message.OrganizationId === 'string' ? org15(message.OrganizationId) : '';
    if (!source.organizationIds.includes(org)) throw new Refusal(401, 'unauthorized', 'messages from this Salesforce org are not taken');
    const notifications = message.Notification ?? [];
    if (notifications.length > 100) throw new Refusal(400, 'invalid_request', 'an outbound message holds at most 100 notifications');
    await take(
      'salesforce',
      notifications.map((notification, index) => read(notification, source.stages, index)),
      intake,
      request.log,
    );
    return reply.code(200).header('content-type', 'text/xml; charset=utf-8').send(ACK);
  });
};
