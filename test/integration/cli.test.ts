import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { type StandInCrm, startStandInCrm } from '../../activities/crm/stand-in';
import { keepDocument } from '../../activities/documents/store';
import { processes } from '../../definitions';
import { localPort } from '../../infra/ports';
import { TEST_AUDITOR, TEST_OPERATOR, type TestEngine, eventFor, eventually, startTestEngine, uniqueId } from '../support/engine';
import { officeflowCli } from '../support/cli';
import { type DealDesk, dealDesk, orderToCashTestSettings as settings } from '../support/deals';
import { taskDesk } from '../support/tasks';

let engine: TestEngine;
let crm: StandInCrm;
let deals: DealDesk;
let cli: ReturnType<typeof officeflowCli>;
beforeAll(async () => {
  // A CRM of this file's own: it goes down on purpose, and the other test files' runs must not notice.
  crm = await startStandInCrm(mkdtempSync(path.join(tmpdir(), 'crm-')), await localPort(0, 'CRM_STANDIN_PORT'));
  engine = await startTestEngine({ settings: { 'order-to-cash': settings }, env: { CRM_URL: crm.url } });
  deals = dealDesk(engine);
  cli = officeflowCli(engine);
});
afterAll(async () => {
  await engine.stop();
  await crm.stop();
});

/** The CLI's arguments to reach this file's engine, and to act on it as its operator. */
const intake = () => ['--intake', engine.intakeUrl];
const asOperator = () => ['--as', TEST_OPERATOR, ...intake()];

interface Status {
  businessKey: string;
  process: string;
  status: string;
  summary: string;
  step: string;
  waitingOn?: string;
  runId: string;
  lastFailure?: { activity: string; attempt: number; message: string };
}
interface Listed {
  query: string;
  runs: Array<{ businessKey: string; process: string; step: string; waitingOn?: string; pastDeadline: boolean }>;
}

/** A deal of its own, once its run waits for the delivery; sent with `officeflow send --file` when asked. */
async function dealInDelivery({ viaCli = false } = {}) {
  const d = deals.deal(await deals.product(100), { quantity: 2, unitPrice: 150 });
  if (viaCli) {
    const file = path.join(tmpdir(), `${d.dealId}.json`);
    writeFileSync(file, JSON.stringify(d.event));
    const sent = await cli.json<{ status: number; workflowId: string }>('send', '--file', file);
    expect(sent).toMatchObject({ status: 202, workflowId: d.workflowId });
  } else expect((await deals.send('crm.deal.closed_won', d.event.data as Record<string, unknown>)).status).toBe(202);
  await deals.atStep(d.workflowId, 'in-delivery');
  return d;
}

/** The run's description as Temporal has it, for waiting on it without a CLI process each time. */
const described = (workflowId: string) => engine.client.workflow.getHandle(workflowId).describe();

const statusOf = (key: string) => cli.json<Status>('status', key);

it('lists the processes with the events that start and signal them', async () => {
  const catalog = await cli.json<Array<{ name: string; triggers: Array<{ type: string; action: string }> }>>('processes');
  expect(catalog.map((p) => p.name)).toEqual(processes.map((p) => p.name));
  expect(catalog.find((p) => p.name === 'order-to-cash')!.triggers).toContainEqual(
    expect.objectContaining({ type: 'crm.deal.closed_won', action: 'starts the process' }),
  );
  expect((await cli.run('processes')).stdout).toMatch(
    /order-to-cash \(task queue order-to-cash\)\n.*\n\s+crm\.deal\.closed_won\s+starts the process/,
  );
});

it('sends events and says what is wrong with a bad one, field by field, with exit codes scripts can tell apart', async () => {
  const bad = path.join(tmpdir(), `${uniqueId('bad')}.json`);
  writeFileSync(bad, JSON.stringify(eventFor('crm.deal.closed_won', { dealId: uniqueId('D'), currency: 'EURO', lines: [] })));
  const refused = await cli.run('send', '--file', bad);
  expect(refused.code).toBe(1);
  expect(refused.stdout).toMatch(/refused \(400\)/);
  expect(refused.stdout).toMatch(/data\.currency\s/);
  expect(refused.stdout).toMatch(/data\.lines\s/);
  expect(JSON.parse((await cli.run('send', '--file', bad, '--json')).stdout)).toMatchObject({ status: 400, error: 'invalid_data' });

  expect(await cli.run('send', 'crm.no.such.event')).toMatchObject({ code: 2, stderr: expect.stringContaining('no process is bound') });
  expect(await cli.run('send', '--file', path.join(tmpdir(), 'missing.json'))).toMatchObject({ code: 1 });
  expect(await cli.run('frobnicate')).toMatchObject({ code: 2 });
});

it('shows a run by its business key: summary, step, what it waits on', async () => {
  const d = await dealInDelivery({ viaCli: true });
  const status = await statusOf(d.dealId);
  expect(status).toMatchObject({
    businessKey: d.dealId,
    process: 'order-to-cash',
    status: 'RUNNING',
    step: 'in-delivery',
    waitingOn: 'Logistics',
    summary: `Order ${d.dealId} for Customer ${(d.event.data as { customer: { id: string } }).customer.id}: €300.00`,
  });
  expect(status.lastFailure).toBeUndefined();
  expect((await cli.run('status', d.dealId)).stdout).toMatch(/step\s+in-delivery\n\s+waiting on\s+Logistics/);
  expect(await cli.run('status', uniqueId('D'))).toMatchObject({ code: 3, stderr: expect.stringContaining('no run has business key') });
});

it('lists runs by process, step and who they wait on, only this engine’s, and by deadline', async () => {
  const d = await dealInDelivery();
  const waiting = await cli.json<Listed>('runs', '--process', 'order-to-cash', '--waiting-on', 'Logistics');
  expect(waiting.runs).toContainEqual(expect.objectContaining({ businessKey: d.dealId, step: 'in-delivery', pastDeadline: false }));
  expect(waiting.query).toMatch(/ AND TaskQueue IN \(.*"order-to-cash@test-/);
  expect(waiting.query).toContain(`"order-to-cash${engine.queueSuffix}"`);
  const elsewhere = await cli.json<Listed>('runs', '--step', 'credit-review');
  expect(elsewhere.runs.map((run) => run.businessKey)).not.toContain(d.dealId);

  // Its wait has no deadline: never past one, whenever.
  const awaitingPayment = deals.deal(await deals.product(10), { paymentTermsDays: 3 });
  await deals.send('crm.deal.closed_won', awaitingPayment.event.data as Record<string, unknown>);
  await deals.deliver(awaitingPayment);
  await deals.atStep(awaitingPayment.workflowId, 'awaiting-payment');
  const keys = async (...args: string[]) => (await cli.json<Listed>('runs', ...args)).runs.map((run) => run.businessKey);
  expect(await keys('--past-deadline')).not.toContain(awaitingPayment.dealId);
  expect(await keys('--deadline-before', new Date(Date.now() + 4 * 86_400_000).toISOString())).toContain(awaitingPayment.dealId);
  expect(await keys('--deadline-before', new Date(Date.now() + 2 * 86_400_000).toISOString())).not.toContain(awaitingPayment.dealId);
});

it('runs each process’s saved queries: the runs they describe, and no others', async () => {
  const shipped = await dealInDelivery();
  const large = deals.deal(await deals.product(100), { quantity: 100, unitPrice: 200 });
  await deals.send('crm.deal.closed_won', large.event.data as Record<string, unknown>);
  await taskDesk(engine).openTaskFor(large.workflowId, 'credit-approval');
  const keys = async (saved: string) => (await cli.json<Listed>('runs', '--saved', saved)).runs.map((run) => run.businessKey);

  const awaitingCredit = await keys('order-to-cash:credit-approval');
  expect(awaitingCredit).toContain(large.dealId);
  expect(awaitingCredit).not.toContain(shipped.dealId);
  const inDelivery = await keys('order-to-cash:in-delivery');
  expect(inDelivery).toContain(shipped.dealId);
  expect(inDelivery).not.toContain(large.dealId);
  const largeOrders = await keys('order-to-cash:large-orders');
  expect(largeOrders).toContain(large.dealId);
  expect(largeOrders).not.toContain(shipped.dealId);
  // Its approval is due in an hour: not overdue yet.
  expect(await keys('order-to-cash:credit-approval-overdue')).not.toContain(large.dealId);

  // Every saved query of every process is one the server accepts.
  const saved = await cli.json<Array<{ name: string; query: string }>>('queries');
  expect(saved.length).toBeGreaterThanOrEqual(12);
  for (const { query } of saved) await expect(engine.client.workflow.count(query)).resolves.toBeDefined();
  expect(await cli.run('runs', '--saved', 'order-to-cash:no-such-query')).toMatchObject({ code: 2 });
});

it('lists and decides tasks; a second decision is refused with exit code 1, an unknown task with 3', async () => {
  const d = deals.deal(await deals.product(100), { quantity: 100, unitPrice: 200 });
  await deals.send('crm.deal.closed_won', d.event.data as Record<string, unknown>);
  const task = await taskDesk(engine).openTaskFor(d.workflowId, 'credit-approval');
  const as = ['--as', settings.creditApprover, '--intake', engine.intakeUrl];
  const listed = await cli.json<Array<{ taskId: string; assignee: string }>>('tasks', ...as);
  expect(listed).toContainEqual(expect.objectContaining({ taskId: task.taskId, assignee: settings.creditApprover }));
  expect((await cli.run('tasks', ...as)).stdout).toMatch(new RegExp(`^TASK\\s+TITLE\\s+ASSIGNEE\\s+DUE\\n(.*\\n)*${task.taskId}\\s`, 'm'));
  expect(await cli.json('decide', task.taskId, 'approve', '--comment', 'known customer', ...as)).toMatchObject({
    taskId: task.taskId,
    decision: 'approve',
    decidedBy: settings.creditApprover,
  });
  expect(await cli.run('decide', task.taskId, 'reject', ...as)).toMatchObject({
    code: 1,
    stderr: expect.stringContaining('refused (409)'),
  });
  expect(await cli.run('decide', `${d.workflowId}:no-such-task`, 'approve', ...as)).toMatchObject({ code: 3 });
  await deals.atStep(d.workflowId, 'in-delivery');
});

it('saves a kept document for an operator, and refuses anyone else', async () => {
  const key = `evidence/${uniqueId('run')}/1/attempt-1/screenshot.png`;
  await keepDocument(engine.pool, {
    documentKey: key,
    filename: 'screenshot.png',
    contentType: 'image/png',
    content: Buffer.from('PNG bytes'),
  });
  const out = path.join(tmpdir(), `${uniqueId('saved')}.png`);
  expect(await cli.json('document', key, '--out', out, ...asOperator())).toEqual({ key, file: out, bytes: 9 });
  expect(readFileSync(out, 'utf8')).toBe('PNG bytes');
  expect(await cli.run('document', key, '--as', 'someone@else.test', ...intake())).toMatchObject({
    code: 1,
    stderr: expect.stringContaining('403'),
  });
  expect(await cli.run('document', `${key}.missing`, ...asOperator())).toMatchObject({ code: 3 });
  // Each reading of a document is in the operator log.
  const { rows } = await engine.pool.query(`SELECT actor, action FROM operator_actions WHERE target = $1`, [key]);
  expect(rows).toEqual([{ actor: TEST_OPERATOR, action: 'document-read' }]);
});

it('shows a failing step and retries it at once when the system is back, without waiting for the next attempt', async () => {
  const crmFaults = (unavailableForMs: number) =>
    fetch(new URL('/standin/faults', crm.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ unavailableForMs }),
    });
  const d = deals.deal(await deals.product(100));
  await crmFaults(120_000);
  let failing = { activityId: '', nextAttemptAt: 0 };
  try {
    await deals.send('crm.deal.closed_won', d.event.data as Record<string, unknown>);
    // Retried with backoff (1, 2, 4, 8, 16 s).
    const pending = async () => (await described(d.workflowId)).raw.pendingActivities?.[0];
    await eventually(async () => ((await pending())?.attempt ?? 0) >= 5 || undefined, 'the CRM step failing four times', 40_000);
    expect((await statusOf(d.dealId)).lastFailure).toMatchObject({
      activity: 'updateDeal',
      attempt: expect.any(Number),
      // The system, the step in business words, then what went wrong.
      message: expect.stringMatching(new RegExp(`^crm: Move CRM deal ${d.dealId} to ordered: CRM refused`)),
    });
    expect((await cli.run('status', d.dealId)).stdout).toMatch(
      /last failure updateDeal, attempt \d+: crm: Move CRM deal \S+ to ordered: CRM refused/,
    );
    // Only operators repair runs: the intake refuses anyone else, and the run is left as it is.
    expect(await cli.run('retry', d.dealId, '--reason', 'the CRM is back', '--as', 'sales.rep@else.test', ...intake())).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('refused (403): only operators may retry runs'),
    });
    // A moment when Temporal's own next attempt is still a while off (backoff doubles: 8 s, then 16 s), so the
    // operator's retry comes first once the CRM is back, however slowly the CLI starts on a busy machine.
    failing = await eventually(
      async () => {
        const activity = await pending();
        const next = Number(activity?.nextAttemptScheduleTime?.seconds ?? 0) * 1000;
        return next - Date.now() > 12_000 ? { activityId: activity!.activityId!, nextAttemptAt: next } : undefined;
      },
      'the next attempt 12 s away',
      40_000,
    );
  } finally {
    await crmFaults(0);
  }
  expect(await cli.json('retry', d.dealId, '--reason', 'the CRM is back', ...asOperator())).toMatchObject({
    retried: 'updateDeal',
    workflowId: d.workflowId,
  });
  await deals.atStep(d.workflowId, 'in-delivery');
  // The step ran again at once, its attempts counted afresh: by the server's clock it was done before Temporal's own
  // next attempt was due, as attempt 1 (that one would have been attempt 6 or later).
  const { events } = await engine.client.workflow.getHandle(d.workflowId).fetchHistory();
  const scheduled = events!.find((event) => event.activityTaskScheduledEventAttributes?.activityId === failing.activityId)!;
  const ofStep = (event: temporal.api.history.v1.IHistoryEvent) =>
    String(event.activityTaskStartedEventAttributes?.scheduledEventId ?? event.activityTaskCompletedEventAttributes?.scheduledEventId) ===
    String(scheduled.eventId);
  const started = events!.find((event) => event.activityTaskStartedEventAttributes && ofStep(event))!;
  const completed = events!.find((event) => event.activityTaskCompletedEventAttributes && ofStep(event))!;
  expect(started.activityTaskStartedEventAttributes!.attempt).toBe(1);
  expect(Number(completed.eventTime!.seconds) * 1000).toBeLessThan(failing.nextAttemptAt);
  expect(await cli.run('retry', d.dealId, '--reason', 'again', ...asOperator())).toMatchObject({
    code: 1,
    stderr: expect.stringContaining('no failing step'),
  });
}, 120_000);

it('resets a run to a step it went through, without doubling what that step made, and cancels a run with a reason', async () => {
  const d = await dealInDelivery();
  const before = await statusOf(d.dealId);
  const reset = await cli.json<{ runId: string }>(
    'reset',
    d.dealId,
    '--to-step',
    'shipping',
    '--reason',
    'carrier lost the label',
    ...asOperator(),
  );
  expect(reset.runId).not.toBe(before.runId);
  await deals.atStep(d.workflowId, 'in-delivery');
  expect(await statusOf(d.dealId)).toMatchObject({ runId: reset.runId, step: 'in-delivery', status: 'RUNNING' });
  // The new run goes through shipping again (the step is idempotent: the same shipment) back to waiting for the delivery.
  const { events } = await engine.client.workflow.getHandle(d.workflowId, reset.runId).fetchHistory();
  const EventType = temporal.api.enums.v1.EventType;
  const resetAt = events!.findIndex((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
  const shipped = events!.findIndex((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'createShipment');
  expect(resetAt).toBeGreaterThan(0);
  expect(shipped).toBeGreaterThan(resetAt);
  expect(await cli.run('reset', d.dealId, '--to-step', 'no-such-step', '--reason', 'x', ...asOperator())).toMatchObject({ code: 3 });

  await cli.json('cancel', d.dealId, '--reason', 'customer withdrew by phone', ...asOperator());
  await eventually(async () => (await described(d.workflowId)).status.name === 'CANCELLED' || undefined, 'the run cancelled');
  const history = await engine.client.workflow.getHandle(d.workflowId, reset.runId).fetchHistory();
  const requested = history.events!.find((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
  expect(requested?.workflowExecutionCancelRequestedEventAttributes?.cause).toBe('customer withdrew by phone');
  expect(requested?.workflowExecutionCancelRequestedEventAttributes?.identity).toBe(`officeflow operator ${TEST_OPERATOR}`);
  // A run that has ended is not cancelled again: a refusal, not a failure of the engine's.
  expect(await cli.run('cancel', d.dealId, '--reason', 'once more', ...asOperator())).toMatchObject({
    code: 1,
    stderr: expect.stringContaining('refused (409): '),
  });

  // Each repair is in the operator log, which auditors read and approvers do not.
  const logged = await cli.json<Array<{ actor: string; action: string; target: string; reason: string; detail: { refused?: number } }>>(
    'operator-actions',
    '--actor',
    TEST_OPERATOR,
    '--as',
    TEST_AUDITOR,
    ...intake(),
  );
  // Refused attempts too, with why they were refused.
  const entries = logged.filter((entry) => entry.target === d.workflowId);
  expect(entries.map(({ action, reason, detail }) => ({ action, reason, refused: detail.refused }))).toEqual([
    { action: 'cancel', reason: 'once more', refused: 409 },
    { action: 'cancel', reason: 'customer withdrew by phone', refused: undefined },
    { action: 'reset', reason: 'x', refused: 404 },
    { action: 'reset', reason: 'carrier lost the label', refused: undefined },
  ]);
  expect(await cli.run('operator-actions', '--as', 'sales.rep@else.test', ...intake())).toMatchObject({
    code: 1,
    stderr: expect.stringContaining('403'),
  });
});
