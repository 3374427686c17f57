import { randomUUID } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import pino from 'pino';
import { encryptionCodec } from '../../codec/data-converter';
import { toJson } from '../../codec/json-payloads';
import { localPort } from '../../infra/ports';
import { buildCodecServer } from '../../web/codec';
import { hostsOfListener } from '../../web/listener-hosts';
import { sendEvent } from '../../web/events/send';
import { signWebhook } from '../../web/events/webhook-auth';
import { type TestEngine, eventFor, eventually, startTestEngine, uniqueId } from '../support/engine';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(() => engine.stop());

/** A POST to the intake over real HTTP, its status and parsed body. */
async function post(path: string, body: string | undefined, headers: Record<string, string>) {
  const response = await fetch(`${engine.intakeUrl}${path}`, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, size: text.length };
}

const binary = (event: ReturnType<typeof eventFor>) => ({
  'content-type': 'application/json',
  'ce-specversion': '1.0',
  'ce-id': event.id,
  'ce-source': event.source,
  'ce-type': event.type,
});

it('answers 401, not 500, to webhook headers without a body or content type', async () => {
  const now = String(Math.floor(Date.now() / 1000));
  const result = await post('/events', undefined, { 'webhook-id': 'msg_x', 'webhook-timestamp': now, 'webhook-signature': 'v1,Zm9v' });
  expect(result.status).toBe(401);
});

describe('NUL bytes, which PostgreSQL cannot store', () => {
  it('are a 400 naming the CloudEvents attribute, in structured and binary mode', async () => {
    for (const attribute of ['id', 'source'] as const) {
      const event = { ...eventFor('crm.account.created', { accountId: uniqueId('ACC') }), [attribute]: 'a\u0000b' };
      const body = JSON.stringify(event);
      const result = await post('/events', body, {
        'content-type': 'application/cloudevents+json',
        ...signWebhook(engine.secret, body, `msg_${randomUUID()}`),
      });
      expect(result).toMatchObject({ status: 400, body: { fields: [{ field: attribute }] } });
    }
    const event = eventFor('crm.account.created', { accountId: uniqueId('ACC') });
    const body = JSON.stringify(event.data);
    const headers = { ...binary(event), 'ce-source': '/crm%00x', ...signWebhook(engine.secret, body, `msg_${randomUUID()}`) };
    expect(await post('/events', body, headers)).toMatchObject({ status: 400, body: { fields: [{ field: 'ce-source' }] } });
  });

  it('are a 400 in the task API', async () => {
    const person = await engine.signedInAs('a@officeflow.test');
    const decision = await post('/tasks/%00/decision', JSON.stringify({ decision: 'approve' }), {
      'content-type': 'application/json',
      ...person,
    });
    expect(decision).toMatchObject({ status: 400, body: { fields: [{ field: 'params.taskId' }] } });
    const listed = await fetch(`${engine.intakeUrl}/tasks?assignee=%00`, { headers: person });
    expect(listed.status).toBe(400);
  });
});

describe('a signed request replayed', () => {
  it('with other CloudEvents headers is refused; the identical request is answered as a duplicate', async () => {
    const event = eventFor('crm.account.created', { accountId: uniqueId('ACC') });
    const body = JSON.stringify(event.data);
    const signature = signWebhook(engine.secret, body, `msg_${randomUUID()}`);
    const first = await post('/events', body, { ...binary(event), ...signature });
    expect(first.status).toBe(202);
    expect(await post('/events', body, { ...binary(event), ...signature })).toMatchObject({ status: 200, body: { duplicate: true } });
    for (const changed of [{ 'ce-id': uniqueId('evt') }, { 'ce-source': '/elsewhere' }]) {
      expect(await post('/events', body, { ...binary(event), ...changed, ...signature })).toMatchObject({ status: 401 });
    }
    // Another type is refused too: here already because the data does not fit it.
    const asOtherType = await post('/events', body, { ...binary(event), 'ce-type': 'finance.credit_limit.approved', ...signature });
    expect(asOtherType.status).toBeGreaterThanOrEqual(400);
  });

  it('at the same moment with other headers starts one run: the webhook-id goes to whichever came first', async () => {
    const event = eventFor('crm.account.created', { accountId: uniqueId('ACC') });
    const body = JSON.stringify(event.data);
    const signature = signWebhook(engine.secret, body, `msg_${randomUUID()}`);
    const ids = Array.from({ length: 6 }, () => uniqueId('evt'));
    const answers = await Promise.all(ids.map((id) => post('/events', body, { ...binary(event), 'ce-id': id, ...signature })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([202, 401, 401, 401, 401, 401]);
    const { rows } = await engine.pool.query('SELECT event_id FROM intake_events WHERE event_id = ANY($1)', [ids]);
    expect(rows).toHaveLength(1);
  });

  it('with a webhook-id that is not short printable ASCII is refused', async () => {
    const event = eventFor('crm.account.created', { accountId: uniqueId('ACC') });
    const body = JSON.stringify(event);
    const longId = `msg_${'0123456789abcdef'.repeat(20)}`;
    const result = await post('/events', body, {
      'content-type': 'application/cloudevents+json',
      ...signWebhook(engine.secret, body, longId),
    });
    expect(result).toMatchObject({ status: 401, body: { message: expect.stringContaining('webhook-id') } });
  });

  it('with a timestamp that is not whole seconds is refused', async () => {
    const event = eventFor('crm.account.created', { accountId: uniqueId('ACC') });
    const body = JSON.stringify(event);
    const signature = signWebhook(engine.secret, body, `msg_${randomUUID()}`);
    const headers = {
      'content-type': 'application/cloudevents+json',
      ...signature,
      'webhook-timestamp': `${signature['webhook-timestamp']}abc`,
    };
    expect(await post('/events', body, headers)).toMatchObject({
      status: 401,
      body: { message: expect.stringContaining('whole Unix seconds') },
    });
  });
});

it('takes the decider from the sign-in, never from the body', async () => {
  const sku = uniqueId('SKU').toUpperCase();
  await engine.pool.query('INSERT INTO products (sku, name, on_hand) VALUES ($1, $2, 5)', [sku, 'Security test item']);
  const dealId = uniqueId('D');
  await sendEvent(
    engine.intakeUrl,
    engine.secret,
    eventFor('crm.deal.closed_won', { dealId, lines: [{ sku, quantity: 1, unitPrice: 60_000 }] }),
  );
  const taskId = `order-to-cash-${dealId}:credit-approval`;
  const { rows } = await eventually(async () => {
    const found = await engine.pool.query('SELECT assignee FROM human_tasks WHERE task_id = $1', [taskId]);
    return found.rowCount ? found : undefined;
  }, 'the credit approval task');
  const assignee = rows[0].assignee as string;
  const path = `/tasks/${encodeURIComponent(taskId)}/decision`;
  const claimsToBeTheAssignee = JSON.stringify({ decidedBy: assignee, decision: 'approve' });
  const json = { 'content-type': 'application/json' };

  expect((await post(path, claimsToBeTheAssignee, json)).status).toBe(401);
  expect((await post(path, claimsToBeTheAssignee, { ...json, ...(await engine.signedInAs('mallory@officeflow.test')) })).status).toBe(403);
  const decided = await post(path, JSON.stringify({ decision: 'approve' }), { ...json, ...(await engine.signedInAs(assignee)) });
  expect(decided).toMatchObject({ status: 200, body: { decision: 'approve', decidedBy: assignee } });
});

it('cuts echoed input short', async () => {
  const unbound = await sendEvent(engine.intakeUrl, engine.secret, { ...eventFor('crm.account.created'), type: 'x'.repeat(250) });
  expect(unbound.status).toBe(422);
  expect(JSON.stringify(unbound.body).length).toBeLessThan(500);
  const huge = await sendEvent(engine.intakeUrl, engine.secret, { ...eventFor('crm.account.created'), type: 'x'.repeat(900_000) });
  expect(huge).toMatchObject({ status: 400, body: { fields: [{ field: 'type' }] } });
  expect(JSON.stringify(huge.body).length).toBeLessThan(500);
});

describe('the codec endpoint', () => {
  it('is not reachable through the intake', async () => {
    expect((await post('/codec/decode', JSON.stringify({ payloads: [] }), { 'content-type': 'application/json' })).status).toBe(404);
  });

  it('serves the local UI on its own localhost listener, and answers 400 to what it cannot decode', async () => {
    const codec = encryptionCodec(engine.settings.OFFICEFLOW_ENCRYPTION_KEY!);
    const uiUrl = 'http://127.0.0.1:8233';
    const port = await localPort(0, 'CODEC_PORT');
    const server = buildCodecServer({ codec, uiUrl, hosts: hostsOfListener('127.0.0.1', port) }, pino({ level: 'silent' }));
    const url = await server.listen({ host: '127.0.0.1', port });
    try {
      const decode = (origin: string, body: unknown) =>
        fetch(`${url}/codec/decode`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin },
          body: JSON.stringify(body),
        });
      const [sealed] = await codec.encode([defaultPayloadConverter.toPayload({ contactName: 'Maria Anders' })!]);
      const response = await decode('http://localhost:8233', { payloads: [toJson(sealed)] });
      expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
      const { payloads } = (await response.json()) as { payloads: Array<{ data: string }> };
      expect(JSON.parse(Buffer.from(payloads[0].data, 'base64').toString())).toEqual({ contactName: 'Maria Anders' });
      const foreign = await decode('http://evil.example', { payloads: [toJson(sealed)] });
      expect(foreign.status).toBe(403);
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
      for (const wrong of [{}, null, [null], { payloads: [{ ...toJson(sealed), data: 'AAAA' }] }])
        expect((await decode(uiUrl, wrong)).status).toBe(400);
    } finally {
      await server.close();
    }
  });
});
