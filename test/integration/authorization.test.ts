import { generateWebhookSecret } from '../../web/events/webhook-auth';
import { sendEvent } from '../../web/events/send';
import { TEST_AUDITOR, TEST_OPERATOR, type TestEngine, eventFor, eventually, startTestEngine, uniqueId } from '../support/engine';

// Who may do what, over real HTTP: each row of the README's Security table that is not a task's own.
const carrier = generateWebhookSecret();
const crm = generateWebhookSecret();
const owner = 'legal.ops@officeflow.test';
const senders = {
  carrier: { secrets: [carrier], events: ['logistics.shipment.delivered'], sources: ['/logistics/carrier'] },
  crm: { secrets: [crm], events: ['crm.*'], sources: ['/crm/*'], binaryMode: true },
};

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine({
    env: { WEBHOOK_SENDERS: JSON.stringify(senders), OFFICEFLOW_PROCESS_OWNERS: `contract-approval=${owner}` },
  });
});
afterAll(() => engine.stop());

const get = async (path: string, as: string) => {
  const response = await fetch(`${engine.intakeUrl}${path}`, { headers: await engine.signedInAs(as) });
  return { status: response.status, body: (await response.json()) as unknown };
};

/** What the intake kept of an event: its record, and any delivery of the carrier's (which may send nothing here). */
const keptOf = async (eventId: string) => ({
  events: (await engine.pool.query(`SELECT 1 FROM intake_events WHERE event_id = $1`, [eventId])).rowCount,
  deliveries: (await engine.pool.query(`SELECT 1 FROM webhook_deliveries WHERE sender = 'carrier'`)).rowCount,
});

describe('senders, each with its own secret and scope', () => {
  it('refuses, and keeps nothing of, an event its sender may not send, though its signature is valid', async () => {
    const forged = eventFor('finance.credit_limit.approved', { limit: 9_999_999, approvedBy: 'anyone@carrier.example' });
    expect(await sendEvent(engine.intakeUrl, carrier, forged)).toMatchObject({
      status: 403,
      body: { error: 'outside_scope', message: expect.stringContaining('may not send events of type "finance.credit_limit.approved"') },
    });
    const elsewhere = { ...eventFor('logistics.shipment.delivered'), source: '/crm/deals' };
    expect(await sendEvent(engine.intakeUrl, carrier, elsewhere)).toMatchObject({ status: 403, body: { error: 'outside_scope' } });
    expect(await keptOf(forged.id)).toEqual({ events: 0, deliveries: 0 });
    expect(await keptOf(elsewhere.id)).toEqual({ events: 0, deliveries: 0 });
  });

  it('takes binary-mode events only from a sender allowed them: their ce-* headers are outside the signature', async () => {
    const delivered = eventFor('logistics.shipment.delivered');
    expect(await sendEvent(engine.intakeUrl, carrier, delivered, 'binary')).toMatchObject({
      status: 403,
      body: { message: expect.stringContaining('structured-mode CloudEvents only') },
    });
    const account = eventFor('crm.account.created', { accountId: uniqueId('ACC') });
    expect((await sendEvent(engine.intakeUrl, crm, account, 'binary')).status).toBe(202);
  });

  it('keeps each sender’s event ids apart: one sender cannot take another’s id first', async () => {
    const id = uniqueId('evt');
    const accountId = uniqueId('ACC');
    const account = { ...eventFor('crm.account.created', { accountId }), id };
    // The unscoped sender (the local engine's) uses the id first, with another account.
    const first = { ...eventFor('crm.account.created', { accountId: uniqueId('ACC') }), id };
    expect((await sendEvent(engine.intakeUrl, engine.secret, first)).status).toBe(202);
    const real = await sendEvent(engine.intakeUrl, crm, account);
    expect(real).toMatchObject({ status: 202, body: { workflowId: `customer-onboarding-${accountId}` } });
  });

  it('refuses line breaks in names and titles, so a CRM field cannot forge lines in a task e-mail', async () => {
    const forged = eventFor('crm.contract.submitted', {
      contractId: uniqueId('K'),
      nonStandardClauses: ['none\n\nApprove at once: http://evil.example/approve'],
      signer: { name: 'Maria\rAnders', email: 'maria@northwind.example' },
    });
    const answer = await sendEvent(engine.intakeUrl, crm, forged);
    expect(answer.status).toBe(400);
    expect((answer.body as { fields: Array<{ field: string }> }).fields.map((f) => f.field).sort()).toEqual([
      'data.nonStandardClauses.0',
      'data.signer.name',
    ]);
  });

  it('refuses a secret no sender has, with 401', async () => {
    expect((await sendEvent(engine.intakeUrl, generateWebhookSecret(), eventFor('crm.account.created'))).status).toBe(401);
  });
});

describe('roles', () => {
  let contractId: string;
  let submittedBy: string;
  beforeAll(async () => {
    contractId = uniqueId('K');
    submittedBy = `rep-${contractId.toLowerCase()}@officeflow.test`;
    const submitted = eventFor('crm.contract.submitted', { contractId, opportunityId: uniqueId('OPP'), submittedBy });
    expect((await sendEvent(engine.intakeUrl, crm, submitted)).status).toBe(202);
    // Once the first approver's task is open, they are one of the contract's participants.
    await eventually(async () => {
      const { body } = await get(`/contracts/${contractId}/audit`, TEST_AUDITOR);
      return Array.isArray(body) && body.some((entry: { event: string }) => entry.event === 'task-opened') ? true : undefined;
    }, 'the first approver’s task in the trail');
  });

  it('lets only operators, auditors, the process’s owners and the contract’s participants read its audit trail', async () => {
    for (const reader of [TEST_AUDITOR, TEST_OPERATOR, owner, submittedBy, 'sales.manager@officeflow.example'])
      expect((await get(`/contracts/${contractId}/audit`, reader)).status).toBe(200);
    // A credit controller, or anyone else signed in, finds no such contract: ids cannot be tried one by one.
    const outsider = await get(`/contracts/${contractId}/audit`, 'credit.control@officeflow.test');
    expect(outsider).toEqual({ status: 404, body: expect.objectContaining({ error: 'no_such_contract' }) });
    expect((await get(`/contracts/K-NOPE/audit`, TEST_AUDITOR)).status).toBe(404);
  });

  it('lets auditors and a process’s owners list other people’s tasks, the owners only those of their process', async () => {
    const approver = 'sales.manager@officeflow.example';
    const listed = async (as: string) => {
      const { status, body } = await get(`/tasks?assignee=${approver}`, as);
      return { status, processes: status === 200 ? [...new Set((body as Array<{ workflowId: string }>).map((t) => t.workflowId))] : [] };
    };
    await eventually(
      async () => ((await listed(TEST_AUDITOR)).processes.includes(`contract-approval-${contractId}`) ? true : undefined),
      'the task',
    );
    expect((await listed(owner)).processes.every((id) => id.startsWith('contract-approval-'))).toBe(true);
    expect((await listed(owner)).processes).toContain(`contract-approval-${contractId}`);
    expect((await listed('credit.control@officeflow.test')).status).toBe(403);
  });

  it('lets only operators repair runs, and auditors and operators read the operator log', async () => {
    const post = async (path: string, as: string, body: object) =>
      (
        await fetch(`${engine.intakeUrl}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(await engine.signedInAs(as)) },
          body: JSON.stringify(body),
        })
      ).status;
    const run = `/runs/contract-approval-${contractId}`;
    for (const someone of [TEST_AUDITOR, owner, submittedBy]) {
      expect(await post(`${run}/cancel`, someone, { reason: 'not mine to cancel' })).toBe(403);
      expect(await post(`${run}/reset`, someone, { reason: 'x', toStep: 'routing' })).toBe(403);
    }
    expect(await post(`${run}/retry`, TEST_OPERATOR, { reason: '' })).toBe(400);
    expect(await post('/runs/contract-approval-K-NOPE/retry', TEST_OPERATOR, { reason: 'is it there?' })).toBe(404);
    // Refused attempts are kept in the operator log too, with who tried.
    const { body: tried } = await get(`/operator-actions?actor=${encodeURIComponent(submittedBy)}`, TEST_AUDITOR);
    expect(tried).toEqual([
      expect.objectContaining({
        action: 'reset',
        target: `contract-approval-${contractId}`,
        detail: expect.objectContaining({ refused: 403 }),
      }),
      expect.objectContaining({ action: 'cancel', reason: 'not mine to cancel', detail: expect.objectContaining({ refused: 403 }) }),
    ]);
    const status = (await engine.client.workflow.getHandle(`contract-approval-${contractId}`).describe()).status.name;
    expect(status).toBe('RUNNING');
    expect((await get('/operator-actions', TEST_AUDITOR)).status).toBe(200);
    expect((await get('/operator-actions', owner)).status).toBe(403);
    expect((await get('/operator-actions', submittedBy)).status).toBe(403);
  });

  it('lets only operators read documents; an auditor changes and reads nothing of them', async () => {
    expect((await get('/documents/no/such/key', TEST_OPERATOR)).status).toBe(404);
    expect((await get('/documents/no/such/key', TEST_AUDITOR)).status).toBe(403);
    expect((await get('/documents/no/such/key', owner)).status).toBe(403);
  });
});
