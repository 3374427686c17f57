import { HEALTH_CHECK } from '../../activities/robots/health';
import type { SystemState } from '../../web/system-pauses';
import { officeflowCli } from '../support/cli';
import { dealDesk, orderToCashTestSettings } from '../support/deals';
import { TEST_AUDITOR, TEST_OPERATOR, type TestEngine, atStep, eventually, portalOrders, startTestEngine } from '../support/engine';

/**
 * Pausing a system that is down. With the legacy ERP paused, a burst of order-to-cash runs reaches the step that keys
 * each order into the portal and is held there: no robot touches the portal, no run fails, no retry is spent, and
 * each held step says why in `officeflow status` (and the Temporal UI). Resumed, they all go on, each order keyed in
 * once.
 */
let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine({
    settings: { 'order-to-cash': orderToCashTestSettings },
    // The portal's own health check pauses it after three attempts in a row find no page.
    env: { LEGACY_ERP_PAUSE_AFTER_FAILURES: '3' },
  });
});
afterAll(async () => {
  await engine.stop();
});

async function orderNumbersOf(dealIds: string[]): Promise<string[]> {
  const { rows } = await engine.pool.query<{ order_number: string }>(`SELECT order_number FROM sales_orders WHERE deal_id = ANY($1)`, [
    dealIds,
  ]);
  return rows.map((row) => row.order_number);
}

it('holds every legacy-ERP step of a burst while the portal is paused, fails none, and lets them all go on resume', async () => {
  const cli = officeflowCli(engine);
  const paused = await cli.json<SystemState>('pause', 'legacy-erp', '--reason', 'portal down', '--as', TEST_OPERATOR);
  expect(paused).toMatchObject({ system: 'legacy-erp', state: 'paused', reason: 'portal down', pausedBy: TEST_OPERATOR });

  const desk = dealDesk(engine);
  const sku = await desk.product(30);
  const deals = Array.from({ length: 12 }, () => desk.deal(sku));
  await Promise.all(deals.map((d) => desk.send('crm.deal.closed_won', d.event.data as Record<string, unknown>)));
  const held = async (workflowId: string) => {
    const { raw } = await engine.client.workflow.getHandle(workflowId).describe();
    return raw.pendingActivities?.find((activity) => activity.paused);
  };
  await eventually(
    async () => ((await Promise.all(deals.map((d) => held(d.workflowId).catch(() => undefined)))).every(Boolean) ? true : undefined),
    'every run held at the legacy ERP',
    60_000,
  );
  const orders = await orderNumbersOf(deals.map((d) => d.dealId));
  expect(orders).toHaveLength(12);
  // Nothing reached the portal, and every run waits, none failed.
  expect(portalOrders().filter((order) => orders.includes(order.reference))).toEqual([]);
  for (const d of deals) {
    const activity = (await held(d.workflowId))!;
    expect(activity.activityType?.name).toBe('enterOrderInLegacyErp');
    expect(activity.pauseInfo?.manual?.reason).toBe('paused: legacy-erp — portal down');
    expect((await engine.client.workflow.getHandle(d.workflowId).describe()).status.name).toBe('RUNNING');
  }
  // The run's current details in the Temporal UI say so too.
  const detailsOf = async (workflowId: string) =>
    (await engine.client.workflow.getHandle(workflowId).query<{ currentDetails?: string }>('__temporal_workflow_metadata'))
      .currentDetails ?? '';
  await eventually(
    async () => ((await detailsOf(deals[0].workflowId)).includes('**Held** paused: legacy-erp — portal down') ? true : undefined),
    'the held step in the current details',
  );
  const status = await cli.run('status', deals[0].dealId);
  expect(status.stdout).toContain('held        enterOrderInLegacyErp: paused: legacy-erp — portal down');
  const systems = await cli.json<SystemState[]>('systems', '--as', TEST_AUDITOR);
  expect(systems.find((s) => s.system === 'legacy-erp')).toMatchObject({ state: 'paused', held: 12 });
  expect(systems.find((s) => s.system === 'crm')).toMatchObject({ state: 'running', held: 0 });

  // A second held moment later, still nothing reached the portal.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  expect(portalOrders().filter((order) => orders.includes(order.reference))).toEqual([]);

  const resumed = await cli.json<SystemState>('resume', 'legacy-erp', '--reason', 'portal back', '--rate', '10', '--as', TEST_OPERATOR);
  expect(resumed.state).toBe('resuming');
  for (const d of deals) await atStep(engine, d.workflowId, 'in-delivery', undefined, 120_000);
  expect(await detailsOf(deals[0].workflowId)).not.toContain('**Held**');
  // Each order keyed in once, and its step counted its attempts afresh: the outage spent none.
  for (const order of orders) expect(portalOrders().filter((entered) => entered.reference === order)).toHaveLength(1);
  const { events } = await engine.client.workflow.getHandle(deals[0].workflowId).fetchHistory();
  const scheduled = events!.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'enterOrderInLegacyErp')!;
  const started = events!.find((e) => String(e.activityTaskStartedEventAttributes?.scheduledEventId) === String(scheduled.eventId));
  expect(started?.activityTaskStartedEventAttributes?.attempt).toBe(1);
  await eventually(async () => {
    const all = await cli.json<SystemState[]>('systems', '--as', TEST_AUDITOR);
    return all.find((s) => s.system === 'legacy-erp')?.state === 'running' ? true : undefined;
  }, 'the legacy ERP running again');

  const log = await cli.json<Array<{ action: string; target: string; reason: string }>>('operator-actions', '--as', TEST_AUDITOR);
  expect(log).toContainEqual(expect.objectContaining({ action: 'system-pause', target: 'legacy-erp', reason: 'portal down' }));
  expect(log).toContainEqual(expect.objectContaining({ action: 'system-resume', target: 'legacy-erp', reason: 'portal back' }));
});

it('refuses to pause a system it does not know, naming the ones it has, and an auditor', async () => {
  const cli = officeflowCli(engine);
  const unknown = await cli.run('pause', 'legacy-erpp', '--reason', 'typo', '--as', TEST_OPERATOR);
  expect(unknown.code).toBe(3);
  expect(unknown.stderr).toContain('no system "legacy-erpp": one of');
  const auditor = await cli.run('pause', 'legacy-erp', '--reason', 'x', '--as', TEST_AUDITOR);
  expect(auditor.code).toBe(1);
  expect(auditor.stderr).toContain('only operators may pause systems');
});

it('pauses the legacy ERP by itself when it answers no page, and lets the held steps go once it answers again', async () => {
  const cli = officeflowCli(engine);
  const desk = dealDesk(engine);
  const sku = await desk.product(10);
  const since = new Date().toISOString();
  // The portal answers the next three orders of this product with a 502: three attempts in a row find no page. (Only
  // this test's orders: other test files' robots share the portal.)
  await fetch(new URL('/standin/faults', engine.settings.LEGACY_ERP_URL), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count: 3, kind: 'bad-gateway', match: sku }),
  });
  const deals = Array.from({ length: 3 }, () => desk.deal(sku));
  await Promise.all(deals.map((d) => desk.send('crm.deal.closed_won', d.event.data as Record<string, unknown>)));
  // The portal's address answers all along (only these orders fail), so the health check resumes it at its next look, a
  // few seconds on: the operator log keeps the pause and the resume, by the health check.
  const byHealthCheck = async (action: string) =>
    (
      await cli.json<Array<{ actor: string; action: string; target: string; reason: string }>>(
        'operator-actions',
        '--since',
        since,
        '--as',
        TEST_AUDITOR,
      )
    ).find((entry) => entry.actor === HEALTH_CHECK && entry.action === action && entry.target === 'legacy-erp');
  const paused = await eventually(() => byHealthCheck('system-pause'), 'the automatic pause', 60_000);
  expect(paused.reason).toBe('Legacy ERP answered no page 3 times in a row');

  for (const d of deals) await atStep(engine, d.workflowId, 'in-delivery', undefined, 120_000);
  const orders = await orderNumbersOf(deals.map((d) => d.dealId));
  for (const order of orders) expect(portalOrders().filter((entered) => entered.reference === order)).toHaveLength(1);
  expect(await byHealthCheck('system-resume')).toMatchObject({ reason: 'Legacy ERP answers again' });
  await eventually(async () => {
    const all = await cli.json<SystemState[]>('systems', '--as', TEST_AUDITOR);
    return all.find((s) => s.system === 'legacy-erp')?.state === 'running' ? true : undefined;
  }, 'the legacy ERP running again');
  // Its waits add up past jest's minute on a busy machine: the pause, the health check's recovery, three orders.
}, 240_000);
