import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Fastify, { type FastifyReply } from 'fastify';
import { keptJson } from '../../infra/state';
import { faultsOnDemand } from './vendor-stand-in';

/** A record as Salesforce's REST API answers it: its fields, and where it is. */
type SObject = Record<string, string | number | null>;

export interface StandInOpportunity {
  Id: string;
  Name: string;
  StageName: string;
  AccountId: string | null;
  OwnerId: string;
  CurrencyIsoCode: string;
  LastModifiedDate: string;
  /** Every stage it was moved to through the API, in order. */
  stageHistory: string[];
}

interface SalesforceState {
  counter: number;
  /** The org's id, which every Outbound Message names, and where the messages go. */
  organizationId: string;
  outbound: { targetUrl?: string };
  opportunities: Record<string, StandInOpportunity>;
  lineItems: Record<string, Array<{ ProductCode: string | null; Quantity: number; UnitPrice: number; Discount: number | null }>>;
  accounts: Record<string, SObject>;
  users: Record<string, SObject>;
  tasks: Record<string, SObject>;
}

/** An Opportunity as a salesperson makes it in Salesforce: its line items, Account and owner. */
export interface NewOpportunity {
  Name?: string;
  CurrencyIsoCode?: string;
  lineItems?: Array<{ ProductCode?: string; Quantity: number; UnitPrice: number; Discount?: number }>;
  account?: SObject;
  owner?: { Email: string };
}

export interface StandInSalesforce {
  url: string;
  /** The connected app's consumer key and secret (client credentials flow). */
  clientId: string;
  clientSecret: string;
  /** The org's id, which its Outbound Messages name. */
  organizationId: string;
  stop(): Promise<void>;
}

const API = '/services/data/v62.0';

/** Salesforce's REST error body: a list of `{message, errorCode, fields}`. */
const refuse = (reply: FastifyReply, status: number, errorCode: string, message: string) =>
  reply.code(status).send([{ message, errorCode, fields: [] }]);

/** An XML text node's content, escaped. */
const xml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An Opportunity's change as an Outbound Message names it: the notification's id, and the fields the message sends. */
export interface OpportunityNotification {
  id: string;
  opportunityId: string;
  stage: string;
  /** The Opportunity's `LastModifiedDate`. */
  at: string;
}

/**
 * An Outbound Message (SOAP `notifications`, up to 100 `Notification`s) as Salesforce sends it for an org's workflow
 * rule, with the Opportunity fields chosen for it: `Id`, `LastModifiedDate`, `StageName`.
 */
export const outboundMessage = (organizationId: string, notifications: OpportunityNotification[]) => `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
   <OrganizationId>${xml(organizationId)}</OrganizationId>
   <ActionId>04k000000000001AAA</ActionId>
   <SessionId xsi:nil="true"/>
   <EnterpriseUrl>https://standin.my.salesforce.com/services/Soap/c/62.0/${xml(organizationId)}</EnterpriseUrl>
   <PartnerUrl>https://standin.my.salesforce.com/services/Soap/u/62.0/${xml(organizationId)}</PartnerUrl>
${notifications
  .map(
    (n) => `   <Notification>
    <Id>${xml(n.id)}</Id>
    <sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
     <sf:Id>${xml(n.opportunityId)}</sf:Id>
     <sf:LastModifiedDate>${xml(n.at)}</sf:LastModifiedDate>
     <sf:StageName>${xml(n.stage)}</sf:StageName>
    </sObject>
   </Notification>`,
  )
  .join('\n')}
  </notifications>
 </soapenv:Body>
</soapenv:Envelope>`;

/** Posts an Outbound Message to an endpoint as Salesforce does (SOAP 1.1: XML and an empty `SOAPAction`). */
export const postAsSalesforce = (url: string, organizationId: string, notifications: OpportunityNotification[]) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
    body: outboundMessage(organizationId, notifications),
  });

/**
 * A stand-in for Salesforce, speaking the part of its API that `jsforce` calls for officeflow: the OAuth 2.0 client
 * credentials flow (`POST /services/oauth2/token`), sObjects by id (`GET` Opportunity, Account, User; `PATCH`
 * Opportunity; `POST` Task) and the two SOQL queries officeflow sends (an Opportunity's line items; an Opportunity's
 * Tasks by subject). Like a salesperson in Salesforce, `POST /standin/opportunities` makes an Opportunity with its line
 * items, Account and owner, and `POST /standin/opportunities/:id/stage` moves it, which sends an Outbound Message
 * (SOAP `notifications`, with the org's id) to its endpoint (`POST /standin/outbound`), again until it is
 * acknowledged. `GET /standin/opportunities/:id` shows one with its Tasks and stages.
 */
export async function startStandInSalesforce(
  dir: string,
  port: number,
  { host = '127.0.0.1', targetUrl }: { host?: string; targetUrl?: string } = {},
): Promise<StandInSalesforce> {
  const { value: state, save } = keptJson<SalesforceState>(path.join(dir, 'salesforce.json'), {
    // Ids apart from any other stand-in's sharing a database.
    counter: randomBytes(3).readUIntBE(0, 3) * 1000,
    organizationId: `00D${randomBytes(6).toString('hex').slice(0, 12).toUpperCase()}`,
    outbound: {},
    opportunities: {},
    lineItems: {},
    accounts: {},
    users: {},
    tasks: {},
  });
  if (targetUrl) state.outbound.targetUrl = targetUrl;
  const clientId = `3MVG9${randomBytes(12).toString('hex')}`;
  const clientSecret = randomBytes(24).toString('hex');
  const token = `00D!${randomBytes(24).toString('hex')}`;
  /** A Salesforce-like id: the object's prefix and a counter. */
  const newId = (prefix: string) => `${prefix}${String(state.counter++).padStart(15 - prefix.length, '0')}`;
  const now = () => new Date().toISOString();
  const withAttributes = (type: string, record: object) => ({
    attributes: { type, url: `${API}/sobjects/${type}/${(record as { Id: string }).Id}` },
    ...record,
  });

  /** Sends the Outbound Message for an Opportunity's change, as Salesforce does, until it is acknowledged (`Ack` true). */
  const sendOutbound = async (opportunity: StandInOpportunity) => {
    const url = state.outbound.targetUrl;
    if (!url) return { acknowledged: false, notificationId: undefined };
    const notificationId = newId('04l');
    save();
    const notification = {
      id: notificationId,
      opportunityId: opportunity.Id,
      stage: opportunity.StageName,
      at: opportunity.LastModifiedDate,
    };
    for (let attempt = 1; attempt <= 4; attempt++) {
      const response = await postAsSalesforce(url, state.organizationId, [notification]).catch(() => undefined);
      // Salesforce takes a message as delivered only when the answer acknowledges it.
      if (response?.ok && /<Ack>true<\/Ack>/.test(await response.text())) return { acknowledged: true, notificationId };
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
    return { acknowledged: false, notificationId };
  };

  const app = Fastify();
  const faulted = faultsOnDemand(app);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/standin/') || request.url.startsWith('/services/oauth2/')) return;
    if (request.headers.authorization !== `Bearer ${token}`) return refuse(reply, 401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    const fault = faulted();
    if (fault)
      return refuse(reply, fault.status, fault.status === 429 ? 'REQUEST_LIMIT_EXCEEDED' : 'SERVER_UNAVAILABLE', 'Try again later');
  });

  app.post<{ Body: Record<string, string> }>('/services/oauth2/token', async (request, reply) => {
    const { grant_type, client_id, client_secret } = request.body ?? {};
    if (grant_type !== 'client_credentials' || client_id !== clientId || client_secret !== clientSecret)
      return reply.code(400).send({ error: 'invalid_client', error_description: 'invalid client credentials' });
    const base = `http://${request.headers.host}`;
    return {
      access_token: token,
      instance_url: base,
      id: `${base}/id/${state.organizationId}/005000000000001AAA`,
      token_type: 'Bearer',
      issued_at: String(Date.now()),
    };
  });

  app.get('/standin/outbound', async () => ({ ...state.outbound, organizationId: state.organizationId }));
  app.post<{ Body: { targetUrl?: string } }>('/standin/outbound', async (request) => {
    state.outbound = { targetUrl: request.body?.targetUrl };
    save();
    return state.outbound;
  });
  app.post<{ Body: NewOpportunity }>('/standin/opportunities', async (request, reply) => {
    const { Name = 'Opportunity', CurrencyIsoCode = 'EUR', lineItems = [], account, owner } = request.body ?? {};
    const accountId = account ? newId('001') : null;
    if (account && accountId) state.accounts[accountId] = { ...account, Id: accountId };
    const ownerId = newId('005');
    state.users[ownerId] = { Id: ownerId, Email: owner?.Email ?? 'sales@standin.example' };
    const opportunity: StandInOpportunity = {
      Id: newId('006'),
      Name,
      StageName: 'Prospecting',
      AccountId: accountId,
      OwnerId: ownerId,
      CurrencyIsoCode,
      LastModifiedDate: now(),
      stageHistory: [],
    };
    state.opportunities[opportunity.Id] = opportunity;
    state.lineItems[opportunity.Id] = lineItems.map(({ ProductCode, Quantity, UnitPrice, Discount }) => ({
      ProductCode: ProductCode ?? null,
      Quantity,
      UnitPrice,
      Discount: Discount ?? null,
    }));
    save();
    return reply.code(201).send({ id: opportunity.Id, ...opportunity });
  });
  app.get<{ Params: { id: string } }>('/standin/opportunities/:id', async (request, reply) => {
    const opportunity = state.opportunities[request.params.id];
    if (!opportunity) return refuse(reply, 404, 'NOT_FOUND', 'The requested resource does not exist');
    return {
      ...opportunity,
      tasks: Object.values(state.tasks)
        .filter((t) => t.WhatId === opportunity.Id)
        .map((t) => t.Description),
    };
  });
  // A salesperson moves the Opportunity: Salesforce's outbound messaging tells officeflow.
  app.post<{ Params: { id: string }; Body: { StageName?: string } }>('/standin/opportunities/:id/stage', async (request, reply) => {
    const opportunity = state.opportunities[request.params.id];
    if (!opportunity || !request.body?.StageName)
      return refuse(reply, 400, 'INVALID_FIELD', 'a known Opportunity and a "StageName" are needed');
    Object.assign(opportunity, { StageName: request.body.StageName, LastModifiedDate: now() });
    save();
    return sendOutbound(opportunity);
  });

  const sobjects: Record<string, () => Record<string, object>> = {
    Opportunity: () => state.opportunities,
    Account: () => state.accounts,
    User: () => state.users,
  };
  app.get<{ Params: { type: string; id: string } }>(`${API}/sobjects/:type/:id`, async (request, reply) => {
    const found = sobjects[request.params.type]?.()[request.params.id];
    if (!found) return refuse(reply, 404, 'NOT_FOUND', 'The requested resource does not exist');
    const { stageHistory: _history, ...fields } = found as StandInOpportunity;
    // Salesforce computes IsWon from the stage (Closed Won in the standard stages).
    const computed = request.params.type === 'Opportunity' ? { ...fields, IsWon: fields.StageName === 'Closed Won' } : fields;
    return withAttributes(request.params.type, computed);
  });
  app.patch<{ Params: { id: string }; Body: { StageName?: string } }>(`${API}/sobjects/Opportunity/:id`, async (request, reply) => {
    const opportunity = state.opportunities[request.params.id];
    if (!opportunity) return refuse(reply, 404, 'NOT_FOUND', 'The requested resource does not exist');
    const { StageName } = request.body ?? {};
    const moved = StageName && StageName !== opportunity.StageName;
    if (moved) opportunity.stageHistory.push(StageName);
    Object.assign(opportunity, request.body, { LastModifiedDate: now() });
    save();
    // The org's workflow rule sends its Outbound Message on a stage change by anyone, an API client too.
    if (moved) void sendOutbound(opportunity);
    return reply.code(204).send();
  });
  app.post<{ Body: SObject }>(`${API}/sobjects/Task`, async (request, reply) => {
    const { WhatId } = request.body ?? {};
    if (typeof WhatId !== 'string' || !state.opportunities[WhatId])
      return refuse(reply, 400, 'FIELD_INTEGRITY_EXCEPTION', 'What ID: id value of incorrect type');
    const Id = newId('00T');
    state.tasks[Id] = { ...request.body, Id };
    save();
    return reply.code(201).send({ id: Id, success: true, errors: [] });
  });
  // The two queries officeflow sends, and no other: a stand-in speaks only the subset used.
  app.get<{ Querystring: { q?: string } }>(`${API}/query`, async (request, reply) => {
    const q = request.query.q ?? '';
    const lines = /^SELECT ProductCode, Quantity, UnitPrice, Discount FROM OpportunityLineItem WHERE OpportunityId = '(\w+)'$/.exec(q);
    const tasks = /^SELECT Id FROM Task WHERE WhatId = '(\w+)' AND Subject LIKE '%([\w:]+)%'$/.exec(q);
    const records = lines
      ? (state.lineItems[lines[1]] ?? []).map((line) => ({ attributes: { type: 'OpportunityLineItem' }, ...line }))
      : tasks
        ? Object.values(state.tasks)
            .filter((task) => task.WhatId === tasks[1] && String(task.Subject).includes(tasks[2]))
            .map((task) => ({ attributes: { type: 'Task' }, Id: task.Id }))
        : undefined;
    if (!records) return refuse(reply, 400, 'MALFORMED_QUERY', `the stand-in does not answer: ${q.slice(0, 100)}`);
    return { totalSize: records.length, done: true, records };
  });

  const url = await app.listen({ host, port });
  return { url, clientId, clientSecret, organizationId: state.organizationId, stop: () => app.close() };
}
