import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { toDecimal } from '../../contracts/money';
import type { CustomerView } from '../../insights/customer';
import type { Ocel } from '../../insights/ocel';
import { forgetEndedRuns } from '../../insights/retention';
import type { ProcessInsights } from '../../insights/report';
import { officeflowCli } from '../support/cli';
import { type DealDesk, dealDesk, orderToCashTestSettings } from '../support/deals';
import { TEST_AUDITOR, TEST_OPERATOR, type TestEngine, eventFor, startTestEngine, uniqueId } from '../support/engine';
import { taskDesk } from '../support/tasks';

/**
 * The event log and what it says of a process. Seven orders go down four paths — three straight through, two approved
 * by Finance, one escalated to the Finance manager, one rejected — and the log holds each run's moves in order, with
 * the objects it touched and no personal data; `officeflow insights` counts the paths, the waits per team and
 * outside party, the tasks decided in time, and cycle times that agree with Temporal's own to the second.
 */
let engine: TestEngine;
let desk: DealDesk;
const settings = orderToCashTestSettings;

beforeAll(async () => {
  engine = await startTestEngine({ settings: { 'order-to-cash': settings } });
  desk = dealDesk(engine);
});
afterAll(() => engine.stop());

type Deal = ReturnType<DealDesk['deal']>;

/** Ships, delivers and pays the order in full. */
async function deliverAndPay(d: Deal) {
  await desk.deliver(d);
  const { gross } = await desk.invoiceOf(d);
  expect(await desk.pay(d, [Number(toDecimal(gross))])).toMatchObject({ outcome: 'paid' });
}

/** An order over the credit limit (10,000.00), decided by `who`. */
async function overTheLimit(decision: 'approve' | 'reject', who = settings.creditApprover, start?: (d: Deal) => Promise<void>) {
  const d = desk.deal(await desk.product(5), { quantity: 2, unitPrice: 6_000 });
  if (start) await start(d);
  else await desk.send('crm.deal.closed_won', d.event.data as Record<string, unknown>);
  const task = await taskDesk(engine).openTaskFor(d.workflowId, 'credit-approval');
  if (who === settings.financeManager) await desk.atStep(d.workflowId, 'credit-approval', 'Finance manager');
  expect((await taskDesk(engine).decide(task.taskId, who, decision, 'checked')).status).toBe(200);
  if (decision === 'approve') await deliverAndPay(d);
  else expect(await desk.handle(d.workflowId).result()).toMatchObject({ outcome: 'credit-rejected' });
  return d;
}

/** Straight through; `portalFaults` pages of its entry in the legacy ERP answer 502 first. */
async function straightThrough(portalFaults = 0) {
  const sku = await desk.product(5);
  const d = desk.deal(sku, { unitPrice: 250 });
  if (portalFaults > 0)
    await fetch(new URL('/standin/faults', engine.settings.LEGACY_ERP_URL), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // Only this order's saving (it carries the order's own product): other files' robots on the portal go through.
      body: JSON.stringify({ count: portalFaults, kind: 'bad-gateway', match: sku }),
    });
  await desk.send('crm.deal.closed_won', d.event.data as Record<string, unknown>);
  await deliverAndPay(d);
  return d;
}

let deals: Deal[];
beforeAll(async () => {
  deals = await Promise.all([
    straightThrough(2),
    straightThrough(),
    straightThrough(),
    overTheLimit('approve'),
    overTheLimit('approve'),
    overTheLimit('reject'),
    // Its approval is due in 2 seconds: past that, it passes to the Finance manager, who approves.
    overTheLimit('approve', settings.financeManager, (d) =>
      desk.startWithSettings(d, { creditApprovalDeadline: '2s', creditApprovalReminder: '1s' }),
    ),
  ]);
});

interface EventRow {
  seq: number;
  kind: string;
  step: string | null;
  waiting_on: string | null;
  detail: string | null;
  objects: Record<string, string>;
}
const eventsOf = async (workflowId: string) =>
  (await engine.pool.query<EventRow>(`SELECT * FROM process_events WHERE workflow_id = $1 ORDER BY seq`, [workflowId])).rows;

it('logs each run’s moves once and in order, with the objects it touched and no personal data', async () => {
  const [straight] = deals;
  const events = await eventsOf(straight.workflowId);
  expect(events.map((event) => event.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events[0]).toMatchObject({ kind: 'started' });
  expect(events.at(-1)).toMatchObject({ kind: 'ended', detail: 'paid' });
  const steps = events.filter((event) => event.kind === 'step').map((event) => [event.step, event.waiting_on]);
  expect(steps).toEqual(
    expect.arrayContaining([
      ['credit-check', null],
      ['in-delivery', 'Logistics'],
      ['awaiting-payment', 'Customer'],
    ]),
  );
  expect(steps.findIndex(([step]) => step === 'in-delivery')).toBeLessThan(steps.findIndex(([step]) => step === 'awaiting-payment'));
  const { rows } = await engine.pool.query<{ invoice: string; customer: string }>(
    `SELECT i.invoice_number AS invoice, i.customer_number AS customer
       FROM invoices i JOIN sales_orders o USING (order_number) WHERE o.deal_id = $1`,
    [straight.dealId],
  );
  expect(events.at(-1)!.objects).toEqual({ deal: straight.dealId, customer: expect.any(String), invoice: rows[0].invoice });

  // A task's life: opened for Finance, escalated to the Finance manager, decided.
  const escalated = await eventsOf(deals[6].workflowId);
  expect(escalated.filter((event) => event.kind.startsWith('task-')).map((event) => [event.kind, event.waiting_on, event.detail])).toEqual([
    ['task-opened', 'Finance', null],
    ['task-escalated', 'Finance manager', null],
    ['task-decided', null, 'approve'],
  ]);
  // Ids and names of steps, teams and verdicts only: no address of anyone the runs mailed or asked.
  const all = await engine.pool.query(`SELECT * FROM process_events WHERE workflow_id = ANY($1)`, [deals.map((d) => d.workflowId)]);
  expect(JSON.stringify(all.rows)).not.toContain('@');
});

it('reports cycle times, waits per team and outside party, variants and tasks in time, as Temporal saw the runs', async () => {
  const report = await officeflowCli(engine).json<ProcessInsights>('insights', 'order-to-cash', '--since', '1h', '--as', TEST_AUDITOR);
  expect(report.runs).toEqual({ started: 7, finished: 7, running: 0, outcomes: { paid: 6, 'credit-rejected': 1 } });

  // Cycle times as Temporal measured them, to the second.
  const cycles: number[] = [];
  for (const d of deals) {
    const { startTime, closeTime } = await desk.handle(d.workflowId).describe();
    cycles.push((closeTime!.getTime() - startTime.getTime()) / 1000);
  }
  cycles.sort((a, b) => a - b);
  expect(Math.abs(report.cycleTime!.p50 - cycles[3])).toBeLessThan(1);
  expect(Math.abs(report.cycleTime!.p90 - cycles[6])).toBeLessThan(1);

  const variant = (has: (path: string[]) => boolean) => report.variants.filter((v) => has(v.path)).reduce((n, v) => n + v.runs, 0);
  expect(variant((path) => !path.includes('credit-approval'))).toBe(3);
  expect(variant((path) => path.includes('credit-approval') && path.includes('paid') && !path.includes('credit-approval escalated'))).toBe(
    2,
  );
  expect(report.variants).toContainEqual(
    expect.objectContaining({ runs: 1, path: expect.arrayContaining(['credit-approval', 'credit-approval escalated', 'sales-order']) }),
  );
  expect(variant((path) => path.includes('credit-approval escalated'))).toBe(1);
  expect(variant((path) => !path.includes('paid'))).toBe(1);

  const waited = (on: string) => report.waitingOn.find((w) => w.on === on);
  expect(waited('Finance')).toMatchObject({ kind: 'people', runs: 4 });
  expect(waited('Finance manager')).toMatchObject({ kind: 'people', runs: 1 });
  expect(waited('Customer')).toMatchObject({ kind: 'outside', runs: 6 });
  expect(waited('Logistics')).toMatchObject({ kind: 'outside', runs: 6 });
  expect(report.steps.find((s) => s.step === 'credit-approval')).toMatchObject({ kind: 'people', runs: 4 });
  // The escalated approval was decided past its 2 seconds; the others in time.
  expect(report.sla).toEqual([{ team: 'Finance', onTime: 3, late: 1, openOverdue: 0, share: 0.75 }]);
  // Each finished run predicted as it entered each step, from the others: how far off, how often within the range.
  expect(report.predictions).toEqual({
    predictions: expect.any(Number),
    meanError: expect.any(Number),
    medianError: expect.any(Number),
    inRange: expect.any(Number),
  });
  expect(report.predictions!.predictions).toBeGreaterThan(10);
  expect(report.predictions!.meanError).toBeLessThan(cycles[6]);
  // Two of one order's pages in the legacy ERP answered 502: two attempts failed, and were retried.
  expect(report.systems).toContainEqual({ system: 'legacy-erp', failed: 2, retried: 2 });
  const spent = report.timeSpent.working + report.timeSpent.people + report.timeSpent.outside;
  // The work, the waits and the outside world add up to the runs' cycle times (each to within its last workflow task).
  expect(Math.abs(spent - cycles.reduce((a, b) => a + b, 0))).toBeLessThan(deals.length);
});

it('shows the report as tables, and only to the process’s owners, operators and auditors', async () => {
  const cli = officeflowCli(engine);
  const shown = await cli.run('insights', 'order-to-cash', '--since', '1h', '--as', TEST_OPERATOR);
  expect(shown.stdout).toContain('order-to-cash since');
  expect(shown.stdout).toContain('7 run(s) started, 7 finished (paid 6, credit-rejected 1), 0 running');
  expect(shown.stdout).toMatch(/^3 .* credit-check → /m);
  const refused = await cli.run('insights', 'order-to-cash', '--as', settings.creditApprover);
  expect(refused.stderr).toContain('only operators or auditors or the owners of order-to-cash may read the insights of order-to-cash');
  const unknown = await cli.run('insights', 'order-to-cah', '--as', TEST_OPERATOR);
  expect(unknown.stderr).toContain('no process is named "order-to-cah"');
});

it('shows the insights as a page with its charts in the inbox, to whoever may read them', async () => {
  const open = async (path: string, person: string) => {
    const response = await fetch(new URL(path, engine.intakeUrl), { headers: await engine.signedInAs(person) });
    return { status: response.status, body: await response.text() };
  };
  const index = await open('/inbox/insights', TEST_AUDITOR);
  expect(index.body).toContain('href="/inbox/insights/order-to-cash"');
  const shown = await open('/inbox/insights/order-to-cash', TEST_AUDITOR);
  expect(shown.status).toBe(200);
  expect(shown.body).toContain('<svg role="img" aria-label="Where the time goes"');
  expect(shown.body).toContain('credit-check → credit-approval → credit-approval escalated → sales-order');
  expect(shown.body).toMatch(/<td>Finance<\/td>\s*<td>3<\/td>\s*<td>1<\/td>\s*<td>0<\/td>/);
  const approver = await open('/inbox/insights/order-to-cash', settings.creditApprover);
  expect(approver.status).toBe(404);
  expect(approver.body).not.toContain('<svg');
  expect((await open('/inbox/insights', settings.creditApprover)).body).toContain('No process’s insights are yours to read');
});

it('shows one customer across every process: runs, open tasks, invoices with what is owed, contracts; nobody else’s', async () => {
  const customer = uniqueId('ACC');
  const sku = await desk.product(10);
  const theirs = (options: Parameters<DealDesk['deal']>[1] = {}) =>
    desk.deal(sku, { ...options, customer: { id: customer, name: `Customer ${customer}`, billingEmail: `${customer}@customer.test` } });
  // Waiting on Finance; invoiced and unpaid; paid in full; a contract in approval; and another customer's order.
  const waiting = theirs({ quantity: 2, unitPrice: 6_000 });
  const unpaid = theirs({ unitPrice: 123.45 });
  const paid = theirs({ unitPrice: 67.89 });
  const someoneElse = desk.deal(sku);
  for (const d of [waiting, unpaid, paid, someoneElse]) await desk.send('crm.deal.closed_won', d.event.data as Record<string, unknown>);
  const contract = eventFor('crm.contract.submitted', { contractId: uniqueId('K'), customerId: customer, opportunityId: uniqueId('OPP') });
  expect((await desk.send(contract.type, contract.data as Record<string, unknown>)).status).toBe(202);
  const contractId = (contract.data as { contractId: string }).contractId;
  await desk.deliver(unpaid);
  const owed = await desk.invoiceOf(unpaid);
  await deliverAndPay(paid);
  await taskDesk(engine).openTaskFor(waiting.workflowId, 'credit-approval');
  await desk.atStep(someoneElse.workflowId, 'in-delivery');

  const view = await officeflowCli(engine).json<CustomerView>('customer', customer, '--as', TEST_AUDITOR);
  expect(view.runs.map((run) => run.workflowId).sort()).toEqual(
    [waiting.workflowId, unpaid.workflowId, paid.workflowId, `contract-approval-${contractId}`].sort(),
  );
  expect(view.runs.find((run) => run.workflowId === paid.workflowId)).toMatchObject({ process: 'order-to-cash', outcome: 'paid' });
  expect(view.runs.find((run) => run.workflowId === unpaid.workflowId)).toMatchObject({ step: 'awaiting-payment', waitingOn: 'Customer' });
  expect(view.openTasks.map((task) => task.taskId)).toContain(`${waiting.workflowId}:credit-approval`);
  expect(view.openTasks.every((task) => [waiting.workflowId, `contract-approval-${contractId}`].includes(task.workflowId))).toBe(true);
  expect(view.invoices.map((invoice) => [invoice.invoiceNumber, invoice.owed])).toEqual(
    expect.arrayContaining([[owed.invoiceNumber, toDecimal(owed.gross)]]),
  );
  expect(view.invoices).toHaveLength(2);
  expect(view.owed).toEqual({ EUR: toDecimal(owed.gross) });
  expect(view.contracts).toEqual([
    { contract: contractId, state: expect.stringMatching(/^approval|routing/), workflowId: `contract-approval-${contractId}` },
  ]);
  expect(JSON.stringify(view)).not.toContain(someoneElse.dealId);

  const shown = await officeflowCli(engine).run('customer', customer, '--as', TEST_OPERATOR);
  expect(shown.stdout).toContain(`${customer}: Customer ${customer}`);
  expect(shown.stdout).toContain(`owes ${toDecimal(owed.gross)} EUR`);
  // The running ones, with when each is expected to be done (or that it is older than every finished case).
  const report = await officeflowCli(engine).json<ProcessInsights>('insights', 'order-to-cash', '--since', '1h', '--as', TEST_AUDITOR);
  const stillOwed = report.running.find((run) => run.workflowId === unpaid.workflowId)!;
  expect(stillOwed.step).toBe('awaiting-payment');
  if (stillOwed.prediction) {
    const { p10, p50, p90 } = stillOwed.prediction.remaining;
    expect(p10 <= p50 && p50 <= p90).toBe(true);
    expect(Date.parse(stillOwed.expectedEnd!)).toBeGreaterThan(Date.now() - 60_000);
  } else expect(stillOwed.olderThanAll).toBeGreaterThanOrEqual(7);
  // `officeflow status` says it too, to whoever may read the process's insights.
  const status = await officeflowCli(engine).run('status', unpaid.dealId, '--as', TEST_AUDITOR);
  expect(status.stdout).toMatch(
    /^ {2}expected {4}(done in .* from \d+ finished cases of the (path|step|process)|unknown: older already than all \d+ finished cases)$/m,
  );
  const notTheirs = await officeflowCli(engine).run('status', unpaid.dealId, '--as', settings.creditApprover);
  expect(notTheirs.stdout).toContain('step        awaiting-payment');
  expect(notTheirs.stdout).not.toContain('expected');
  const refused = await officeflowCli(engine).run('customer', customer, '--as', settings.creditApprover);
  expect(refused.stderr).toContain('only operators or auditors may see a customer across the processes');
});

it('exports the event log as OCEL 2.0 (JSON and SQLite) and XES, read back with the counts of events, objects and cases', async () => {
  const queues = [...new Set(engine.registry.map((process) => process.taskQueue))];
  const {
    rows: [expected],
  } = await engine.pool.query<{ events: number; objects: number; cases: number }>(
    `SELECT (SELECT count(*) FROM process_events e JOIN process_runs r USING (run_id) WHERE r.task_queue = ANY($1))::int AS events,
            (SELECT count(DISTINCT (kv.key, kv.value)) FROM process_events e JOIN process_runs r USING (run_id),
                    jsonb_each_text(e.objects) kv WHERE r.task_queue = ANY($1))::int AS objects,
            (SELECT count(*) FROM process_runs WHERE task_queue = ANY($1))::int AS cases`,
    [queues],
  );
  expect(expected.cases).toBeGreaterThan(10);
  const dir = mkdtempSync(path.join(tmpdir(), 'event-log-'));
  const exported = async (format: string) => {
    const file = path.join(dir, format);
    await officeflowCli(engine).json('export-log', '--format', format, '--out', file, '--since', '1h', '--as', TEST_AUDITOR);
    return file;
  };

  // XES, read by pm4js: a trace per run, every event in it. (Its XES reader alone: its whole package starts a helper
  // process for Celonis that outlives the test.)
  /* eslint-disable @typescript-eslint/no-require-imports */
  require('pm4js/pm4js/pm4js.js');
  require('pm4js/pm4js/objects/log/log.js');
  const { XesImporter } = require('pm4js/pm4js/objects/log/importer/xes/importer.js') as { XesImporter: { apply(xml: string): PmLog } };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const xes = XesImporter.apply(readFileSync(await exported('xes'), 'utf8'));
  expect(xes.traces).toHaveLength(expected.cases);
  expect(xes.traces.reduce((n, trace) => n + trace.events.length, 0)).toBe(expected.events);
  const firstEvent = xes.traces[0].events[0].attributes;
  expect(firstEvent['concept:name'].value).toBe('run started');
  expect(firstEvent['time:timestamp'].value).toBeInstanceOf(Date);

  // OCEL 2.0 SQLite, read by SQLite itself: the standard's tables.
  const sqlite = (sql: string) => execFileSync('sqlite3', [sqliteFile, sql], { encoding: 'utf8' }).trim();
  const sqliteFile = await exported('ocel2-sqlite');
  expect(Number(sqlite('SELECT count(*) FROM event'))).toBe(expected.events);
  expect(Number(sqlite('SELECT count(*) FROM object'))).toBe(expected.objects);
  expect(Number(sqlite(`SELECT count(DISTINCT ocel_object_id) FROM event_object WHERE ocel_qualifier = 'deal'`))).toBeGreaterThan(10);
  expect(sqlite(`SELECT count(*) FROM event_object eo LEFT JOIN object o ON o.ocel_id = eo.ocel_object_id WHERE o.ocel_id IS NULL`)).toBe(
    '0',
  );
  const eventTables = sqlite('SELECT ocel_type_map FROM event_map_type').split('\n');
  const perType = eventTables.map((map) => Number(sqlite(`SELECT count(*) FROM "event_${map}"`)));
  expect(perType.reduce((a, b) => a + b, 0)).toBe(expected.events);

  // OCEL 2.0 JSON: every event and object once, each relationship to an object the log has, types declared.
  const ocel = JSON.parse(readFileSync(await exported('ocel2-json'), 'utf8')) as Ocel;
  expect(ocel.events).toHaveLength(expected.events);
  expect(ocel.objects).toHaveLength(expected.objects);
  const objectIds = new Set(ocel.objects.map((object) => object.id));
  expect(ocel.events.flatMap((event) => event.relationships).every((relation) => objectIds.has(relation.objectId))).toBe(true);
  expect(new Set(ocel.events.map((event) => event.type))).toEqual(new Set(ocel.eventTypes.map((type) => type.name)));
  expect(ocel.objects.find((object) => object.type === 'deal')?.relationships.map((relation) => relation.qualifier)).toEqual(
    expect.arrayContaining(['customer', 'invoice']),
  );
});

interface PmLog {
  traces: Array<{ events: Array<{ attributes: Record<string, { value: unknown }> }> }>;
}

it('forgets runs that ended longer ago than it keeps them, and nothing else', async () => {
  const queue = engine.registry.find((process) => process.name === 'order-to-cash')!.taskQueue;
  const old = uniqueId('run-old');
  await engine.pool.query(
    `INSERT INTO process_runs (run_id, workflow_id, process, task_queue, started_at, ended_at, outcome)
     VALUES ($1, $2, 'order-to-cash', $3, now() - interval '500 days', now() - interval '499 days', 'paid')`,
    [old, `order-to-cash-${old}`, queue],
  );
  await engine.pool.query(
    `INSERT INTO process_events (run_id, seq, workflow_id, process, kind, at) VALUES ($1, 1, $2, 'order-to-cash', 'started', now() - interval '500 days')`,
    [old, `order-to-cash-${old}`],
  );
  // The seven orders ended minutes ago: kept.
  const ofDeals = async () =>
    (await engine.pool.query(`SELECT count(*)::int AS n FROM process_events WHERE workflow_id = ANY($1)`, [deals.map((d) => d.workflowId)]))
      .rows[0].n as number;
  const kept = await ofDeals();
  expect(kept).toBeGreaterThan(50);
  expect(await forgetEndedRuns(engine.pool, 400 * 86400_000, [queue])).toBe(1);
  expect((await engine.pool.query(`SELECT 1 FROM process_runs WHERE run_id = $1`, [old])).rowCount).toBe(0);
  expect((await engine.pool.query(`SELECT 1 FROM process_events WHERE run_id = $1`, [old])).rowCount).toBe(0);
  expect(await ofDeals()).toBe(kept);
});
