import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Pool } from 'pg';
import pino from 'pino';
import { EncryptionCodec } from '../../codec/encryption-codec';
import { toJson } from '../../codec/json-payloads';
import { loadConfig } from '../../config';
import { processes } from '../../definitions';
import { buildCodecServer } from '../../web/codec';
import { hostsOfListener } from '../../web/listener-hosts';
import { decisionLinks } from '../../codec/decision-links';
import { authenticator, generateIdentityKey, issueToken } from '../../web/identity';
import { buildIntake } from '../../engine/web';
import { generateWebhookSecret, signWebhook } from '../../web/events/webhook-auth';
import { sendersOf } from '../../web/events/senders';

// Every request here is answered before Temporal or PostgreSQL would be asked: any use of them fails the test.
const unreachable = new Proxy(
  {},
  {
    get: () => {
      throw new Error('this request should not reach Temporal or PostgreSQL');
    },
  },
);
const secret = generateWebhookSecret();
const identityKey = generateIdentityKey();
const config = loadConfig({ OFFICEFLOW_IDENTITY_KEY: identityKey, OFFICEFLOW_OPERATORS: 'ops@officeflow.test' });
const authenticate = authenticator(config);
const log = pino({ level: 'silent' });
/** The intake over this database pool; Temporal is never reached. */
const intakeWith = (pool: Pool) =>
  buildIntake({
    client: unreachable as Client,
    pool,
    registry: processes,
    senders: sendersOf({ WEBHOOK_SENDERS: {}, WEBHOOK_SECRETS: [secret] }),
    authenticate,
    rateLimit: 100,
    links: decisionLinks(randomBytes(32).toString('base64'), 'http://127.0.0.1'),
    log,
  });
const intake = intakeWith(unreachable as Pool);
const codec = new EncryptionCodec(randomBytes(32));
const uiUrl = 'https://temporal.example.com';
// inject() addresses requests to localhost:80.
const hosts = hostsOfListener('127.0.0.1', 80);
const codecServer = buildCodecServer({ codec, uiUrl, hosts, operatorsOnly: authenticate }, log);
afterAll(() => Promise.all([intake.close(), codecServer.close()]));
const bearer = async (email: string, key = identityKey) => ({
  authorization: `Bearer ${await issueToken(key, email, config.OIDC_AUDIENCE)}`,
});

/** A POST as a sender writes it: the exact body, with the headers given. */
const post = (url: string, body?: string, headers: Record<string, string> = {}, server = intake) =>
  server.inject({ method: 'POST', url, headers, body });
const json = { 'content-type': 'application/json' };
const structured = { 'content-type': 'application/cloudevents+json' };
const signed = (body: string) => signWebhook(secret, body, `msg_${randomBytes(6).toString('hex')}`);

describe('POST /events', () => {
  it('refuses other content types with 415, and an unsigned or body-less request with 401', async () => {
    expect((await post('/events', 'hi', { 'content-type': 'text/plain' })).statusCode).toBe(415);
    expect((await post('/events', '{}', structured)).statusCode).toBe(401);
    const now = String(Math.floor(Date.now() / 1000));
    expect(
      (await post('/events', undefined, { 'webhook-id': 'msg_1', 'webhook-timestamp': now, 'webhook-signature': 'v1,abc' })).statusCode,
    ).toBe(401);
  });

  it('names the missing CloudEvents attribute of a signed event', async () => {
    const body = JSON.stringify({ specversion: '1.0', id: 'e1', type: 'crm.account.created', data: {} });
    const response = await post('/events', body, { ...structured, ...signed(body) });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_cloudevent', fields: [{ field: 'source' }] });
  });

  it('refuses a currency ISO 4217 does not know, naming the field', async () => {
    const data = {
      accountId: 'A-1',
      companyName: 'N',
      country: 'DE',
      currency: 'ZZZ',
      billingEmail: 'b@n.example',
      contactName: 'C',
      salesRepEmail: 's@n.example',
    };
    const body = JSON.stringify({ specversion: '1.0', id: 'e3', source: '/crm', type: 'crm.account.created', data });
    const response = await post('/events', body, { ...structured, ...signed(body) });
    expect(response.statusCode).toBe(400);
    expect(response.json().fields).toEqual([{ field: 'data.currency', message: 'is not an ISO 4217 currency' }]);
  });

  it('refuses a run its process could not weigh: a contract in a currency its approval thresholds are not in', async () => {
    const contracts = processes.find((process) => process.name === 'contract-approval')!;
    const data = { ...(contracts.triggers[0].example.data as object), currency: 'CHF' };
    const body = JSON.stringify({ specversion: '1.0', id: 'e4', source: '/crm', type: 'crm.contract.submitted', data });
    const response = await post('/events', body, { ...structured, ...signed(body) });
    expect(response.statusCode).toBe(400);
    expect(response.json().fields).toContainEqual({
      field: 'data.currency',
      message: expect.stringMatching(/^must be EUR: the finance stage/),
    });
  });

  it('refuses amounts with more decimals than the currency has, naming the field', async () => {
    const data = {
      dealId: 'D-1',
      customer: { id: 'A-1', name: 'N', billingEmail: 'b@n.example', country: 'DE' },
      lines: [{ sku: 'S', quantity: 1, unitPrice: 1.005 }],
      currency: 'EUR',
      paymentTermsDays: 30,
      salesRepEmail: 's@n.example',
    };
    const body = JSON.stringify({ specversion: '1.0', id: 'e2', source: '/crm', type: 'crm.deal.closed_won', data });
    const response = await post('/events', body, { ...structured, ...signed(body) });
    expect(response.statusCode).toBe(400);
    expect(response.json().fields).toEqual([
      { field: 'data.lines.0.unitPrice', message: 'must be a decimal with at most 2 decimals for EUR' },
    ]);
  });

  it('answers 503 with Retry-After, not 500, while PostgreSQL is away (a restart), so the sender sends again', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const away = new Proxy({}, { get: () => () => Promise.reject(refused) });
    const cut = intakeWith(away as Pool);
    const data = { accountId: 'A-1', creditLimit: 1000, currency: 'EUR', approvedBy: 'f@n.example' };
    const body = JSON.stringify({ specversion: '1.0', id: 'e4', source: '/erp', type: 'finance.credit_limit.approved', data });
    const response = await post('/events', body, { ...structured, ...signed(body) }, cut);
    await cut.close();
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json()).toMatchObject({ error: 'unavailable' });
  });
});

describe('the task API', () => {
  it('answers only signed-in people: no token, a token of another issuer or key, an expired one get 401', async () => {
    const decision = JSON.stringify({ decision: 'approve' });
    expect((await post('/tasks/t-1/decision', decision, json)).statusCode).toBe(401);
    expect(
      (await post('/tasks/t-1/decision', decision, { ...json, ...(await bearer('a@officeflow.test', generateIdentityKey())) })).statusCode,
    ).toBe(401);
    const expired = await issueToken(identityKey, 'a@officeflow.test', config.OIDC_AUDIENCE, '-1 minute');
    expect((await post('/tasks/t-1/decision', decision, { ...json, authorization: `Bearer ${expired}` })).statusCode).toBe(401);
    expect((await intake.inject({ method: 'GET', url: '/tasks' })).statusCode).toBe(401);
  });

  it('lists other people’s tasks for operators only', async () => {
    const response = await intake.inject({ method: 'GET', url: '/tasks?assignee=*', headers: await bearer('a@officeflow.test') });
    expect(response.statusCode).toBe(403);
  });

  it('refuses an assignee that is not an e-mail address, naming the field', async () => {
    const response = await intake.inject({ method: 'GET', url: '/tasks?assignee=%00' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_request', fields: [{ field: 'querystring.assignee' }] });
  });

  it('refuses a decision that is not one, naming the field', async () => {
    const response = await post('/tasks/t-1/decision', JSON.stringify({ decision: 'maybe' }), json);
    expect(response.statusCode).toBe(400);
    expect(response.json().fields).toEqual([expect.objectContaining({ field: 'body.decision' })]);
    expect((await post('/tasks/t-1/decision', '{"decision":', json)).statusCode).toBe(400);
  });
});

describe('the codec endpoint on a cluster', () => {
  it('is not served by the intake', async () => {
    expect((await post('/codec/decode', JSON.stringify({ payloads: [] }), json)).statusCode).toBe(404);
  });

  it('decodes payloads for operators only, and answers 400 to anything it cannot decode', async () => {
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload({ contactName: 'Maria Anders' })!]);
    const body = JSON.stringify({ payloads: [toJson(sealed)] });
    const decode = async (headers: Record<string, string>, payload = body) =>
      post('/codec/decode', payload, { ...json, origin: uiUrl, ...headers }, codecServer);

    expect((await decode({})).statusCode).toBe(401);
    expect((await decode(await bearer('a@officeflow.test'))).statusCode).toBe(403);
    const decoded = await decode(await bearer('ops@officeflow.test'));
    expect(decoded.statusCode).toBe(200);
    expect(decoded.headers['access-control-allow-origin']).toBe(uiUrl);
    expect(JSON.parse(Buffer.from(decoded.json().payloads[0].data, 'base64').toString())).toEqual({ contactName: 'Maria Anders' });

    const operator = await bearer('ops@officeflow.test');
    const tampered = { ...toJson(sealed), data: Buffer.from('not the ciphertext').toString('base64') };
    for (const wrong of [{}, null, [null], { payloads: [null] }, { payloads: [tampered] }]) {
      expect((await decode(operator, JSON.stringify(wrong))).statusCode).toBe(400);
    }
  });
});
