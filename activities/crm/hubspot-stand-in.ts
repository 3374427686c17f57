import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Signature } from '@hubspot/api-client';
import Fastify, { type FastifyReply } from 'fastify';
import { keptJson } from '../../infra/state';
import { faultsOnDemand, sendAgainUntilTaken } from './vendor-stand-in';

/** A CRM object as HubSpot's v3 API answers it: every property a string (or null). */
interface HubSpotObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
}

export interface StandInDeal extends HubSpotObject {
  noteIds: string[];
  lineItemIds: string[];
  companyId?: string;
  contactId?: string;
  /** Every `dealstage` it was moved to, in order. */
  stageHistory: string[];
}

interface HubSpotState {
  nextId: number;
  /** Where the app's webhooks go (its target URL), and the portal and app they come from. */
  app: { targetUrl?: string; portalId: number; appId: number; nextEventId: number };
  deals: Record<string, StandInDeal>;
  notes: Record<string, HubSpotObject & { dealIds: string[] }>;
  lineItems: Record<string, HubSpotObject>;
  companies: Record<string, HubSpotObject>;
  contacts: Record<string, HubSpotObject>;
  owners: Record<string, { id: string; email: string; firstName?: string; lastName?: string }>;
}

/** A deal as a salesperson makes it in HubSpot: its properties, line items, company, contact and owner. */
export interface NewDeal {
  id?: string;
  properties?: Record<string, string>;
  lineItems?: Array<Record<string, string>>;
  company?: Record<string, string>;
  contact?: Record<string, string>;
  owner?: { email: string; firstName?: string; lastName?: string };
}

export interface StandInHubSpot {
  url: string;
  /** The private app token it takes. */
  token: string;
  /** The app's client secret, which signs its webhooks. */
  clientSecret: string;
  stop(): Promise<void>;
}

/**
 * Posts a delivery of the app's webhooks to its target URL as HubSpot does: signed with the app's client secret by
 * HubSpot's own SDK (v3: method, URL, body and the `X-HubSpot-Request-Timestamp` in milliseconds).
 */
export function postAsHubSpot(url: string, clientSecret: string, body: string, timestamp = Date.now()): Promise<Response> {
  const signature = Signature.getSignature('POST', 'v3', { clientSecret, url, requestBody: body, timestamp, signature: '' });
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(timestamp) },
    body,
  });
}

/** HubSpot's error body: `{status, message, category}` (e.g. `OBJECT_NOT_FOUND`, `VALIDATION_ERROR`). */
const error = (reply: FastifyReply, status: number, category: string, message: string) =>
  reply.code(status).send({ status: 'error', message, category, correlationId: randomBytes(8).toString('hex') });

/**
 * A stand-in for HubSpot, speaking the part of its CRM v3 API that `@hubspot/api-client` calls for officeflow, each
 * with the private app's bearer token: deals (`GET` with `properties` and `associations`, `PATCH`), line items,
 * companies and contacts (read), owners, notes (`POST`, associated with a deal; batch read). Like a salesperson in
 * HubSpot's UI, `POST /standin/deals` makes a deal with its line items, company, contact and owner, and `POST
 * /standin/deals/:id/stage` moves it, which sends the app's webhook (`deal.propertyChange` on `dealstage`) to its
 * target URL (`POST /standin/app`), signed with the app's client secret by HubSpot's own SDK (v3 signature). `GET
 * /standin/deals/:id` shows a deal with its notes and every stage it went through; `POST /standin/faults` with
 * `{"status": 429 | 503, "forMs": n, "retryAfterSeconds": s}` makes the API refuse for a while, as HubSpot's rate limit
 * does.
 */
export async function startStandInHubSpot(
  dir: string,
  port: number,
  { host = '127.0.0.1', targetUrl }: { host?: string; targetUrl?: string } = {},
): Promise<StandInHubSpot> {
  const { value: state, save } = keptJson<HubSpotState>(path.join(dir, 'hubspot.json'), {
    // Ids as large as HubSpot's, and apart from any other stand-in's sharing a database.
    nextId: 100_000_000 + randomBytes(4).readUInt32BE() * 1000,
    app: { portalId: 62515, appId: 1160452, nextEventId: 1 },
    deals: {},
    notes: {},
    lineItems: {},
    companies: {},
    contacts: {},
    owners: {},
  });
  if (targetUrl) state.app.targetUrl = targetUrl;
  const token = `pat-standin-${randomBytes(16).toString('hex')}`;
  const clientSecret = randomBytes(18).toString('hex');
  const now = () => new Date().toISOString();
  const newId = () => String(state.nextId++);
  const record = (properties: Record<string, string>, id = newId()): HubSpotObject => ({
    id,
    properties: { ...properties, hs_object_id: id, createdate: now() },
    createdAt: now(),
    updatedAt: now(),
  });
  /** An object as the API shows it: the properties asked for, and the ones HubSpot always sends. */
  const shown = (object: HubSpotObject, asked: string[]) => ({
    id: object.id,
    properties: Object.fromEntries(
      [...new Set([...asked, 'hs_object_id', 'createdate', 'hs_lastmodifieddate'])].map((name) => [name, object.properties[name] ?? null]),
    ),
    createdAt: object.createdAt,
    updatedAt: object.updatedAt,
    archived: false,
  });
  /** Keeps a new object among its kind: its id. */
  const kept = (objects: Record<string, HubSpotObject>, properties: Record<string, string>) => {
    const object = record(properties);
    objects[object.id] = object;
    return object.id;
  };
  const listed = (value: unknown) => (value === undefined ? [] : [value].flat().flatMap((entry) => String(entry).split(',')));
  const results = (ids: Array<string | undefined>, type: string) => ({
    results: ids.filter((id) => id !== undefined).map((id) => ({ id, type })),
  });

  /** Sends the app's webhook for one change, signed as HubSpot signs it; HubSpot tries a refused delivery again. */
  const sendWebhook = async (events: object[]) => {
    const url = state.app.targetUrl;
    if (!url) return { delivered: false, status: 0, events };
    const body = JSON.stringify(events);
    const status = await sendAgainUntilTaken(async () => (await postAsHubSpot(url, clientSecret, body)).status);
    return { delivered: status >= 200 && status < 300, status, events };
  };

  const app = Fastify();
  const faulted = faultsOnDemand(app);
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/standin/')) return;
    if (request.headers.authorization !== `Bearer ${token}`)
      return error(reply, 401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found.');
    const fault = faulted();
    if (fault) {
      reply.header('retry-after', String(fault.retryAfterSeconds));
      return fault.status === 429
        ? error(reply, 429, 'RATE_LIMITS', 'You have reached your ten_secondly_rolling limit.')
        : error(reply, 503, 'SERVICE_UNAVAILABLE', 'HubSpot is unavailable.');
    }
  });

  app.get('/standin/app', async () => state.app);
  app.post<{ Body: { targetUrl?: string } }>('/standin/app', async (request) => {
    state.app.targetUrl = request.body?.targetUrl;
    save();
    return state.app;
  });
  app.post<{ Body: NewDeal }>('/standin/deals', async (request, reply) => {
    const { id, properties = {}, lineItems = [], company, contact, owner } = request.body ?? {};
    const ownerId = owner ? newId() : undefined;
    if (owner && ownerId) state.owners[ownerId] = { id: ownerId, ...owner };
    const deal: StandInDeal = {
      ...record({ ...properties, ...(ownerId ? { hubspot_owner_id: ownerId } : {}) }, id ?? newId()),
      noteIds: [],
      lineItemIds: lineItems.map((item) => kept(state.lineItems, item)),
      companyId: company ? kept(state.companies, company) : undefined,
      contactId: contact ? kept(state.contacts, contact) : undefined,
      stageHistory: [],
    };
    state.deals[deal.id] = deal;
    save();
    return reply.code(201).send(deal);
  });
  app.get<{ Params: { id: string } }>('/standin/deals/:id', async (request, reply) => {
    const deal = state.deals[request.params.id];
    if (!deal) return error(reply, 404, 'OBJECT_NOT_FOUND', 'Object not found.');
    return { ...deal, notes: deal.noteIds.map((id) => state.notes[id].properties.hs_note_body) };
  });
  /**
   * The app's webhook for a deal's new stage, whoever moved it: HubSpot tells subscribed apps of changes made in its UI
   * and through its API alike, saying where each came from (`changeSource`, `sourceId`).
   */
  const stageChange = (deal: StandInDeal, stage: string, changeSource: string, sourceId: string) => {
    const { portalId, appId } = state.app;
    return {
      eventId: state.app.nextEventId++,
      subscriptionId: 1,
      portalId,
      appId,
      occurredAt: Date.now(),
      subscriptionType: 'deal.propertyChange',
      attemptNumber: 0,
      objectId: Number(deal.id),
      propertyName: 'dealstage',
      propertyValue: stage,
      changeSource,
      sourceId,
    };
  };

  // A salesperson moves the deal: HubSpot records the change and tells the app.
  app.post<{ Params: { id: string }; Body: { dealstage?: string } }>('/standin/deals/:id/stage', async (request, reply) => {
    const deal = state.deals[request.params.id];
    const stage = request.body?.dealstage;
    if (!deal || !stage) return error(reply, 400, 'VALIDATION_ERROR', 'a known deal and a "dealstage" are needed');
    deal.properties.dealstage = stage;
    deal.stageHistory.push(stage);
    const event = stageChange(deal, stage, 'CRM_UI', 'userId:1');
    save();
    return sendWebhook([event]);
  });

  const dealOr404 = (id: string, reply: FastifyReply) =>
    state.deals[id] ?? (error(reply, 404, 'OBJECT_NOT_FOUND', 'Object not found.  objectId are usually numeric.'), undefined);

  app.get<{ Params: { id: string }; Querystring: { properties?: string | string[]; associations?: string | string[] } }>(
    '/crm/v3/objects/deals/:id',
    async (request, reply) => {
      const deal = dealOr404(request.params.id, reply);
      if (!deal) return reply;
      const asked = listed(request.query.associations);
      const associations = {
        // HubSpot names this association by its label.
        ...(asked.includes('line_items') && deal.lineItemIds.length
          ? { 'line items': results(deal.lineItemIds, 'deal_to_line_item') }
          : {}),
        ...(asked.includes('companies') && deal.companyId ? { companies: results([deal.companyId], 'deal_to_company') } : {}),
        ...(asked.includes('contacts') && deal.contactId ? { contacts: results([deal.contactId], 'deal_to_contact') } : {}),
        ...(asked.includes('notes') && deal.noteIds.length ? { notes: results(deal.noteIds, 'deal_to_note') } : {}),
      };
      // HubSpot computes whether a deal is won from its stage (closedwon in the default pipeline).
      const computed = { ...deal, properties: { ...deal.properties, hs_is_closed_won: String(deal.properties.dealstage === 'closedwon') } };
      return { ...shown(computed, listed(request.query.properties)), ...(Object.keys(associations).length ? { associations } : {}) };
    },
  );

  app.patch<{ Params: { id: string }; Body: { properties?: Record<string, string> } }>(
    '/crm/v3/objects/deals/:id',
    async (request, reply) => {
      const deal = dealOr404(request.params.id, reply);
      if (!deal) return reply;
      const properties = request.body?.properties;
      if (!properties || typeof properties !== 'object')
        return error(reply, 400, 'VALIDATION_ERROR', 'Invalid input JSON: "properties" is required.');
      const moved = properties.dealstage && properties.dealstage !== deal.properties.dealstage ? properties.dealstage : undefined;
      if (moved) deal.stageHistory.push(moved);
      Object.assign(deal.properties, properties, { hs_lastmodifieddate: now() });
      deal.updatedAt = now();
      const event = moved && stageChange(deal, moved, 'INTEGRATION', String(state.app.appId));
      save();
      // HubSpot answers the call first and delivers the webhook on its own time.
      if (event) void sendWebhook([event]);
      return shown(deal, Object.keys(properties));
    },
  );

  // A salesperson fixing a line item (a SKU left out), as HubSpot's UI does through the same API.
  app.patch<{ Params: { id: string }; Body: { properties?: Record<string, string> } }>(
    '/crm/v3/objects/line_items/:id',
    async (request, reply) => {
      const item = state.lineItems[request.params.id];
      if (!item) return error(reply, 404, 'OBJECT_NOT_FOUND', 'Object not found.');
      Object.assign(item.properties, request.body?.properties ?? {});
      save();
      return shown(item, Object.keys(request.body?.properties ?? {}));
    },
  );

  for (const [type, objects] of [
    ['companies', state.companies],
    ['contacts', state.contacts],
  ] as const)
    app.get<{ Params: { id: string }; Querystring: { properties?: string | string[] } }>(
      `/crm/v3/objects/${type}/:id`,
      async (request, reply) => {
        const found = objects[request.params.id];
        return found ? shown(found, listed(request.query.properties)) : error(reply, 404, 'OBJECT_NOT_FOUND', 'Object not found.');
      },
    );

  app.get<{ Params: { ownerId: string } }>('/crm/v3/owners/:ownerId', async (request, reply) => {
    const owner = state.owners[request.params.ownerId];
    if (!owner) return error(reply, 404, 'OBJECT_NOT_FOUND', 'Owner not found.');
    return { ...owner, userId: Number(owner.id), createdAt: now(), updatedAt: now(), archived: false, teams: [] };
  });

  app.post<{
    Body: {
      properties?: Record<string, string>;
      associations?: Array<{ to?: { id?: string }; types?: Array<{ associationTypeId?: number }> }>;
    };
  }>('/crm/v3/objects/notes', async (request, reply) => {
    const { properties, associations = [] } = request.body ?? {};
    if (!properties?.hs_timestamp)
      return error(reply, 400, 'VALIDATION_ERROR', 'Property values were not valid: hs_timestamp is required.');
    const dealIds = associations.filter((a) => a.types?.some((t) => t.associationTypeId === 214)).map((a) => String(a.to?.id));
    const unknown = dealIds.find((id) => !state.deals[id]);
    if (unknown) return error(reply, 400, 'VALIDATION_ERROR', `No deal with id ${unknown} to associate the note with.`);
    const note = { ...record(properties), dealIds };
    state.notes[note.id] = note;
    for (const dealId of dealIds) state.deals[dealId].noteIds.push(note.id);
    save();
    return reply.code(201).send(shown(note, Object.keys(properties)));
  });

  for (const [type, objects] of [
    ['notes', state.notes],
    ['line_items', state.lineItems],
  ] as const)
    app.post<{ Body: { inputs?: Array<{ id?: string }>; properties?: string[] } }>(
      `/crm/v3/objects/${type}/batch/read`,
      async (request) => {
        const { inputs = [], properties = [] } = request.body ?? {};
        const found = inputs.map(({ id }) => objects[String(id)]).filter(Boolean);
        return { status: 'COMPLETE', results: found.map((object) => shown(object, properties)), startedAt: now(), completedAt: now() };
      },
    );

  const url = await app.listen({ host, port });
  return { url, token, clientSecret, stop: () => app.close() };
}
