import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { exampleEvent } from '../../web/events/catalog';
import { sendEvent } from '../../web/events/send';
import { signWebhook } from '../../web/events/webhook-auth';
import { type TestEngine, eventFor, startTestEngine, uniqueId } from '../support/engine';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(() => engine.stop());

/** A raw POST /events, signed with the intake's secret unless told otherwise. */
async function post(body: string, headers: Record<string, string>, sign: { secret?: string; at?: Date } | false = {}) {
  const signature = sign === false ? {} : signWebhook(sign.secret ?? engine.secret, body, `msg_${randomUUID()}`, sign.at);
  const response = await fetch(`${engine.intakeUrl}/events`, { method: 'POST', headers: { ...headers, ...signature }, body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const structured = { 'content-type': 'application/cloudevents+json' };

async function expectNoRun(workflowId: string) {
  await expect(engine.client.workflow.getHandle(workflowId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
}

describe('POST /events', () => {
  it('starts the bound process for a structured-mode event: 202 with process, workflow id and run id', async () => {
    const accountId = uniqueId('ACC');
    const { status, body } = await sendEvent(engine.intakeUrl, engine.secret, eventFor('crm.account.created', { accountId }));
    expect(status).toBe(202);
    expect(body).toEqual({ process: 'customer-onboarding', workflowId: `customer-onboarding-${accountId}`, runId: expect.any(String) });
    const described = await engine.client.workflow.getHandle(`customer-onboarding-${accountId}`).describe();
    expect(described.runId).toBe((body as { runId: string }).runId);
    expect(described.typedSearchAttributes.getAll()).toContainEqual(expect.objectContaining({ value: accountId }));
  });

  it('starts the bound process for a binary-mode event (ce-* headers, JSON data)', async () => {
    const accountId = uniqueId('ACC');
    const { status, body } = await sendEvent(engine.intakeUrl, engine.secret, eventFor('crm.account.created', { accountId }), 'binary');
    expect(status).toBe(202);
    expect(body).toMatchObject({ workflowId: `customer-onboarding-${accountId}` });
  });

  it('answers a redelivered event (same source and id) with 200 duplicate and starts nothing new', async () => {
    const event = eventFor('crm.account.created', { accountId: uniqueId('ACC') });
    const first = await sendEvent(engine.intakeUrl, engine.secret, event);
    const again = await Promise.all([1, 2, 3].map(() => sendEvent(engine.intakeUrl, engine.secret, event)));
    expect(first.status).toBe(202);
    for (const replay of again) {
      expect(replay).toEqual({ status: 200, body: { ...(first.body as object), duplicate: true } });
    }
  });

  it('answers a second event for the same business object with 200 duplicate', async () => {
    const accountId = uniqueId('ACC');
    const first = await sendEvent(engine.intakeUrl, engine.secret, eventFor('crm.account.created', { accountId }));
    const second = await sendEvent(engine.intakeUrl, engine.secret, eventFor('crm.account.created', { accountId }));
    expect(second).toEqual({ status: 200, body: { ...(first.body as object), duplicate: true } });
  });

  it('delivers an event bound to a running process as a signal', async () => {
    const accountId = uniqueId('ACC');
    const started = await sendEvent(engine.intakeUrl, engine.secret, eventFor('crm.account.created', { accountId }));
    const approval = eventFor('finance.credit_limit.approved', { accountId, creditLimit: 1234 });
    const { status, body } = await sendEvent(engine.intakeUrl, engine.secret, approval, 'binary');
    expect(status).toBe(202);
    expect(body).toEqual({ ...(started.body as object), signal: 'creditLimitApproved' });
    const result = await engine.client.workflow.getHandle(`customer-onboarding-${accountId}`).result();
    expect(result.credit).toMatchObject({ creditLimit: { amount: 123_400, currency: 'EUR' } });
    expect((await sendEvent(engine.intakeUrl, engine.secret, approval)).status).toBe(200);
  });

  it('refuses with 409 an event for a process that is not running', async () => {
    const { status, body } = await sendEvent(
      engine.intakeUrl,
      engine.secret,
      eventFor('finance.credit_limit.approved', { accountId: uniqueId('ACC') }),
    );
    expect(status).toBe(409);
    expect(body).toMatchObject({ error: 'process_not_running' });
  });

  it('refuses malformed JSON with 400, naming what is broken', async () => {
    expect(await post('{"specversion": "1.0", ', structured)).toMatchObject({
      status: 400,
      body: { error: 'malformed_json', fields: [{ field: 'body' }] },
    });
    const binary = {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': 'x',
      'ce-source': '/s',
      'ce-type': 'crm.account.created',
    };
    expect(await post('{nope', binary)).toMatchObject({ status: 400, body: { fields: [{ field: 'data' }] } });
  });

  it('refuses an event missing a CloudEvents attribute with 400 naming the attribute', async () => {
    const { source: _dropped, ...withoutSource } = eventFor('crm.account.created');
    expect(await post(JSON.stringify(withoutSource), structured)).toMatchObject({
      status: 400,
      body: { error: 'invalid_cloudevent', fields: [{ field: 'source' }] },
    });
    const noType = { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': 'x', 'ce-source': '/s' };
    expect(await post('{}', noType)).toMatchObject({ status: 400, body: { fields: [{ field: 'ce-type' }] } });
    const oldSpec = JSON.stringify({ ...eventFor('crm.account.created'), specversion: '0.3' });
    expect(await post(oldSpec, structured)).toMatchObject({
      status: 400,
      body: { fields: [{ field: 'specversion', message: 'must be "1.0"' }] },
    });
    expect(await post('[1, 2]', structured)).toMatchObject({ status: 400, body: { fields: [{ field: 'body' }] } });
  });

  it('refuses data that fails the process schema with 400 per field, and starts nothing', async () => {
    const accountId = uniqueId('ACC');
    const event = eventFor('crm.account.created', { accountId, billingEmail: 'not-an-address', country: 'Germany' });
    const { status, body } = await sendEvent(engine.intakeUrl, engine.secret, event);
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'invalid_data' });
    expect((body as { fields: { field: string }[] }).fields.map((f) => f.field).sort()).toEqual(['data.billingEmail', 'data.country']);
    await expectNoRun(`customer-onboarding-${accountId}`);
  });

  it('refuses with 401 a missing, wrong or stale signature, and starts nothing', async () => {
    const accountId = uniqueId('ACC');
    const body = JSON.stringify(eventFor('crm.account.created', { accountId }));
    const missing = await post(body, structured, false);
    expect(missing).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(missing.body.message).toContain('webhook-signature');
    const wrong = await post(body, structured, { secret: `whsec_${Buffer.from('some other secret!!').toString('base64')}` });
    expect(wrong).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    const stale = await post(body, structured, { at: new Date(Date.now() - 6 * 60_000) });
    expect(stale).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    const tampered = signWebhook(engine.secret, body, 'msg_1');
    const altered = await fetch(`${engine.intakeUrl}/events`, {
      method: 'POST',
      headers: { ...structured, ...tampered },
      body: body.replace(accountId, uniqueId('ACC')),
    });
    expect(altered.status).toBe(401);
    await expectNoRun(`customer-onboarding-${accountId}`);
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const event = eventFor('crm.account.created', { companyName: 'x'.repeat(1024 * 1024) });
    expect((await sendEvent(engine.intakeUrl, engine.secret, event)).status).toBe(413);
  });

  it('refuses other content types with 415', async () => {
    for (const type of ['text/plain', 'application/xml', 'application/cloudevents-batch+json']) {
      const result = await post('<event/>', { 'content-type': type });
      expect(result).toMatchObject({ status: 415, body: { error: 'unsupported_media_type' } });
    }
  });

  it('refuses an event type no process is bound to with 422', async () => {
    const event = { ...eventFor('crm.account.created'), type: 'crm.lead.sneezed' };
    expect(await sendEvent(engine.intakeUrl, engine.secret, event)).toMatchObject({
      status: 422,
      body: { error: 'unbound_event_type', fields: [{ field: 'type' }] },
    });
  });
});

describe('GET /processes', () => {
  it('lists each process with its task queue, and for each trigger the data schema and an example event the intake accepts', async () => {
    const catalog = (await (await fetch(`${engine.intakeUrl}/processes`)).json()) as Array<{
      name: string;
      taskQueue: string;
      triggers: Array<{ type: string; dataSchema: { type: string; required: string[] }; example: unknown }>;
    }>;
    const onboarding = catalog.find((process) => process.name === 'customer-onboarding')!;
    expect(onboarding.taskQueue).toMatch(/^customer-onboarding/);
    expect(onboarding.triggers.map((t) => t.type)).toEqual(['crm.account.created', 'finance.credit_limit.approved']);
    const created = onboarding.triggers[0];
    expect(created.dataSchema).toMatchObject({ type: 'object', required: expect.arrayContaining(['accountId', 'billingEmail']) });
    const trigger = engine.registry[0].triggers[0];
    expect(created.example).toEqual(exampleEvent(trigger));
    expect((await sendEvent(engine.intakeUrl, engine.secret, exampleEvent(trigger))).status).toBe(202);
  });
});

describe('GET /healthz', () => {
  it('reports Temporal and PostgreSQL reachable', async () => {
    const response = await fetch(`${engine.intakeUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', temporal: 'ok', postgres: 'ok' });
  });
});
