import { readFileSync } from 'node:fs';
import path from 'node:path';
import { localPort } from '../../infra/ports';
import { sendEvent } from '../../web/events/send';
import { type TestEngine, eventFor, eventually } from '../support/engine';
import { startEngineProcess } from '../support/engine-process';
import { dealDesk } from '../support/deals';
import { metricValue, scrape } from '../support/prometheus';
import { taskDesk } from '../support/tasks';

// The engine as `npm start` runs it, in a process of its own, so its metrics endpoint shows this file's runs alone.
let engine: TestEngine;
let metricsUrl: string;
beforeAll(async () => {
  const metricsPort = await localPort(0, 'METRICS_PORT');
  engine = await startEngineProcess({ env: { METRICS_PORT: String(metricsPort) } });
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
}, 120_000);
afterAll(() => engine.stop());

it('counts runs, steps, events and tasks per process, team and outcome, beside the SDK’s own metrics', async () => {
  const deals = dealDesk(engine);
  const queue = `order-to-cash${engine.queueSuffix}`;
  const ours = { taskQueue: queue, workflowType: 'orderToCash' };

  const paid = deals.deal(await deals.product(10), { quantity: 1, unitPrice: 100 });
  const send = (event: ReturnType<typeof eventFor>) => sendEvent(engine.intakeUrl, engine.secret, event);
  expect((await send(paid.event)).status).toBe(202);
  expect((await send(paid.event)).status).toBe(200); // the same event again: a duplicate
  expect((await send(eventFor('crm.deal.closed_won', { currency: 'EURO' }))).status).toBe(400);
  expect((await send({ ...eventFor('crm.deal.closed_won'), type: 'crm.made.up' })).status).toBe(422);
  await deals.deliver(paid);
  expect(await deals.pay(paid, [119])).toMatchObject({ outcome: 'paid' });

  // Over the default credit limit: Finance gets a task and rejects it.
  const rejected = deals.deal(await deals.product(1000), { quantity: 600, unitPrice: 100 });
  expect((await send(rejected.event)).status).toBe(202);
  const task = await taskDesk(engine).openTaskFor(rejected.workflowId, 'credit-approval', 60_000);
  const openFinanceTasks = await eventually(
    async () => metricValue(await scrape(metricsUrl), 'officeflow_open_tasks', { team: 'Finance' }) || undefined,
    'the open-task gauge counting Finance’s task',
    30_000,
  );
  expect(openFinanceTasks).toBeGreaterThanOrEqual(1);
  expect((await taskDesk(engine).decide(task.taskId, task.assignee, 'reject', 'over limit')).status).toBe(200);
  await engine.client.workflow.getHandle(rejected.workflowId).result();

  const metrics = await eventually(async () => {
    const text = await scrape(metricsUrl);
    // The SDK counts a completion once the worker has reported it, a moment after the workflow's own metric.
    const counted =
      metricValue(text, 'officeflow_runs_ended_total', { ...ours, outcome: 'credit-rejected' }) &&
      metricValue(text, 'temporal_workflow_completed_total', { workflow_type: 'orderToCash', task_queue: queue }) === 2;
    return counted ? text : undefined;
  }, 'the rejected run counted by officeflow and by the SDK');
  const value = (name: string, labels: Record<string, string>) => metricValue(metrics, name, labels);

  expect(value('officeflow_runs_started_total', ours)).toBe(2);
  expect(value('officeflow_runs_ended_total', { ...ours, outcome: 'paid' })).toBe(1);
  expect(value('officeflow_runs_ended_total', { ...ours, outcome: 'credit-rejected' })).toBe(1);
  expect(value('officeflow_step_duration_count', { ...ours, step: 'in-delivery' })).toBe(1);
  expect(value('officeflow_step_duration_count', { ...ours, step: 'credit-approval' })).toBe(1);
  expect(value('officeflow_step_duration_sum', { ...ours, step: 'awaiting-payment' })).toBeGreaterThan(0);

  expect(value('officeflow_events_total', { type: 'crm.deal.closed_won', status: '202' })).toBe(2);
  expect(value('officeflow_events_total', { type: 'crm.deal.closed_won', status: '200' })).toBe(1);
  expect(value('officeflow_events_total', { type: 'crm.deal.closed_won', status: '400' })).toBe(1);
  expect(value('officeflow_events_total', { type: 'unbound', status: '422' })).toBe(1);
  expect(value('officeflow_events_total', { type: 'logistics.shipment.delivered', status: '202' })).toBe(1);

  // The SDK's own, from the same endpoint: runs completed, and the robot's step timed on the robot queue.
  expect(value('temporal_workflow_completed_total', { workflow_type: 'orderToCash', task_queue: queue })).toBe(2);
  expect(
    value('temporal_activity_execution_latency_count', {
      activity_type: 'enterOrderInLegacyErp',
      task_queue: `robots${engine.queueSuffix}`,
    }),
  ).toBeGreaterThanOrEqual(1);

  // The Grafana dashboard and the alerting rules ask for these very series: each metric they name is served (a failure
  // counter once a step failed).
  const deploy = path.join(__dirname, '../../deploy');
  const dashboard = ['grafana/dashboards/officeflow.json', 'prometheus/alerts.yml']
    .map((file) => readFileSync(path.join(deploy, file), 'utf8'))
    .join('\n');
  const named = new Set([...dashboard.matchAll(/\b((?:officeflow|temporal)_[a-z_]+?)(?:_bucket|_sum|_count)?\b/g)].map((m) => m[1]));
  const onlyAfterFailures = ['temporal_activity_execution_failed_total'];
  const served = (name: string) => new RegExp(`^${name}(_bucket|_sum|_count)?[{ ]`, 'm').test(metrics);
  expect([...named].filter((name) => !onlyAfterFailures.includes(name) && !served(name))).toEqual([]);
  expect(named.size).toBeGreaterThanOrEqual(8);
});
