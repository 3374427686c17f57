import { EXAMPLE_CUSTOMER, quickSettingsOf, runInsightsScenario } from '../../bench/insights-scenario';
import { playDemo } from '../../cli/demo';
import { processes } from '../../definitions';
import { sendEvent } from '../../web/events/send';
import { TEST_AUDITOR, type TestEngine, atStep, eventFor, startTestEngine, uniqueId } from '../support/engine';
import { demoStageOf } from '../support/vendors';

/**
 * The smoke run of `npm run scenario:insights`: every process driven once down each of its paths (approved,
 * escalated, change requested, rescinded, dunned …), and its insights checked against the runs as driven and as
 * Temporal recorded them. The runs it finished then forecast a new run's end, in its current details.
 */
let engine: TestEngine;
beforeAll(async () => {
  // Forecasts made again every two seconds, so a run started after others finished carries theirs.
  engine = await startTestEngine({ settings: quickSettingsOf(processes), env: { FORECAST_EVERY: '2s' } });
});
afterAll(() => engine.stop());

// The test waits longer than the scenario: on a slow, busy machine the scenario's own message says what was late.
const SCENARIO_MS = 4 * 60_000;

it(
  'reports each process’s runs, cycle times, variants, steps and waits as they were driven',
  async () => {
    const report = await runInsightsScenario(
      {
        client: engine.client,
        pool: engine.pool,
        config: engine.settings,
        intakeUrl: engine.intakeUrl,
        registry: engine.registry,
        reader: TEST_AUDITOR,
      },
      { timeoutMs: SCENARIO_MS },
    );
    expect(report.processes.flatMap((check) => check.mismatches.map((mismatch) => `${check.process}: ${mismatch}`))).toEqual([]);
    expect(report.processes.map((check) => check.process).sort()).toEqual(processes.map((process) => process.name).sort());
    const orders = report.processes.find((check) => check.process === 'order-to-cash')!;
    expect(orders.paths).toEqual({ demo: 1, approved: 1, escalated: 1, rejected: 1, dunned: 1 });
    expect(orders.report.variants.some((variant) => variant.path.includes('credit-approval escalated'))).toBe(true);
    expect(orders.report.variants.some((variant) => variant.path.includes('collections'))).toBe(true);
    const contracts = report.processes.find((check) => check.process === 'contract-approval')!;
    expect(contracts.report.rework).toContainEqual(expect.objectContaining({ runs: 1 }));
  },
  SCENARIO_MS + 30_000,
);

it('shows a new run when it is expected to be done, in its current details in the Temporal UI, from the runs that came its way', async () => {
  // Three more orders straight through: with the scenario's, five passed through delivery.
  const orderToCash = engine.registry.find((process) => process.name === 'order-to-cash')!;
  const ownCustomer = (key: string) => ({ businessKey: key, rekey: { [EXAMPLE_CUSTOMER]: `${key}-ACC` } });
  await Promise.all([1, 2, 3].map(() => playDemo(orderToCash, demoStageOf(engine), ownCustomer(uniqueId('FORECAST')))));
  await new Promise((resolve) => setTimeout(resolve, 3000));

  const dealId = uniqueId('FORECAST');
  const sentAt = Date.now();
  expect((await sendEvent(engine.intakeUrl, engine.secret, eventFor('crm.deal.closed_won', { dealId }))).status).toBe(202);
  const workflowId = `order-to-cash-${dealId}`;
  await atStep(engine, workflowId, 'in-delivery');
  const { currentDetails } = await engine.client.workflow
    .getHandle(workflowId)
    .query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  const expected = currentDetails?.match(/\*\*Expected\*\* done around (\S+ \S+) UTC \(likely (\S+ \S+) to (\S+ \S+)\)/);
  expect(expected).not.toBeNull();
  // Within minutes: the finished orders took seconds from delivery on.
  const [around, from, to] = expected!.slice(1).map((time) => Date.parse(`${time.replace(' ', 'T')}:00Z`));
  expect(from).toBeLessThanOrEqual(around);
  expect(around).toBeLessThanOrEqual(to);
  expect(Math.abs(around - sentAt)).toBeLessThan(5 * 60_000);
});
