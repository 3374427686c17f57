import { type StandInDeal, type StandInHubSpot, startStandInHubSpot } from '../../activities/crm/hubspot-stand-in';
import type { BatchReport } from '../../web/repair-batches';
import { sendEvent } from '../../web/events/send';
import { officeflowCli } from '../support/cli';
import { dealDesk, orderToCashTestSettings } from '../support/deals';
import { TEST_AUDITOR, TEST_OPERATOR, type TestEngine, atStep, eventFor, eventually, startTestEngine, uniqueId } from '../support/engine';
import { freshStateDir } from '../support/local-env';
import { hubspotEnv, standInAt } from '../support/vendors';

/**
 * Repairing many runs at once. HubSpot goes down while deals are won: twenty order-to-cash runs fail at fetching the
 * deal, and HubSpot's Retry-After would keep them waiting ten minutes. Once it is back, one `officeflow retry` with a
 * selection (step, failure type, time) repairs all twenty as one batch: each run goes on to cash, nothing is doubled,
 * and the batch and each run's retry are in the operator log. A batch can be stopped and resumed where it stopped.
 */
const stages = { ordered: '28394001', shipped: '28394002', invoiced: '28394003', paid: 'closedwon' };

let hubspot: StandInHubSpot;
let engine: TestEngine;
beforeAll(async () => {
  hubspot = await startStandInHubSpot(freshStateDir('officeflow-repair-batch-'), 0);
  engine = await startTestEngine({
    env: hubspotEnv(hubspot, stages),
    settings: { 'order-to-cash': orderToCashTestSettings },
  });
  await standIn('/standin/app', { targetUrl: `${engine.intakeUrl}/sources/hubspot` });
});
afterAll(async () => {
  await engine.stop();
  await hubspot.stop();
});

const standIn = standInAt(() => hubspot.url);

async function hubspotDeal(sku: string): Promise<StandInDeal> {
  const buyer = uniqueId('buyer');
  return (await standIn('/standin/deals', {
    properties: { dealname: `Chairs for ${buyer}`, dealstage: 'contractsent', deal_currency_code: 'EUR' },
    lineItems: [{ hs_sku: sku, quantity: '1', price: '80.00', name: 'Chair' }],
    company: { name: `${buyer} GmbH`, address: 'Hafenstraße 12', zip: '20457', city: 'Hamburg', country: 'Germany' },
    contact: { email: `${buyer}@customer.test` },
    owner: { email: `rep-${buyer}@sales.test` },
  })) as unknown as StandInDeal;
}

/** The run's pending step and its last failure, if it is failing. */
async function failingStep(workflowId: string) {
  const { raw } = await engine.client.workflow.getHandle(workflowId).describe();
  return raw.pendingActivities?.find((activity) => activity.lastFailure);
}

it('repairs the twenty runs a CRM outage stopped with one retry batch: every run goes on to cash, none doubled', async () => {
  const desk = dealDesk(engine);
  const sku = await desk.product(40);
  const deals = await Promise.all(Array.from({ length: 20 }, () => hubspotDeal(sku)));
  // HubSpot is down, and asks to be left alone for ten minutes.
  await standIn('/standin/faults', { status: 503, forMs: 600_000, retryAfterSeconds: 600 });
  for (const deal of deals) await standIn(`/standin/deals/${deal.id}/stage`, { dealstage: 'closedwon' });
  const runs = deals.map((deal) => ({ dealId: deal.id, workflowId: `order-to-cash-${deal.id}` }));
  await eventually(
    async () =>
      (await Promise.all(runs.map((run) => failingStep(run.workflowId).catch(() => undefined)))).every(Boolean) ? true : undefined,
    'twenty runs failing at the CRM',
    120_000,
  );
  await standIn('/standin/faults', { forMs: 0 });

  const cli = officeflowCli(engine);
  const retried = await cli.run(
    'retry',
    ...['--process', 'order-to-cash', '--step', 'fetching-deal', '--failure', 'CrmUnavailable', '--since', '1h'],
    ...['--reason', 'HubSpot is back', '--rate', '20', '--yes', '--as', TEST_OPERATOR],
  );
  expect(retried.stderr).toBe('');
  expect(retried.code).toBe(0);
  // What it was going to touch, then what it did.
  expect(retried.stdout).toContain('fetchWonDeal: CrmUnavailable');
  expect(retried.stdout).toMatch(/RB-\d{8}-\w+ done: 20 of 20 run\(s\) retried/);
  const batchId = /(RB-\d{8}-\w+) done/.exec(retried.stdout)![1];

  // Each run goes on now, not when HubSpot's ten minutes are up, and is taken to cash.
  for (const run of runs) await atStep(engine, run.workflowId, 'in-delivery', undefined, 120_000);
  for (const run of runs) await desk.deliver(run);
  const results = await Promise.all(runs.map((run) => desk.pay(run, [95.2])));
  expect(results.every((result) => result.outcome === 'paid')).toBe(true);
  for (const run of runs) {
    const deal = (await standIn(`/standin/deals/${run.dealId}`)) as unknown as StandInDeal;
    expect(deal.stageHistory).toEqual(['closedwon', ...Object.values(stages)]);
  }
  const { rows } = await engine.pool.query(`SELECT deal_id FROM sales_orders WHERE deal_id = ANY($1)`, [runs.map((run) => run.dealId)]);
  expect(rows).toHaveLength(20);

  const log = await cli.json<Array<{ action: string; target: string; reason: string; detail: Record<string, unknown> }>>(
    'operator-actions',
    '--as',
    TEST_AUDITOR,
  );
  expect(log).toContainEqual(
    expect.objectContaining({
      action: 'retry-batch',
      target: batchId,
      reason: 'HubSpot is back',
      detail: expect.objectContaining({ runs: 20, selection: expect.objectContaining({ failure: 'CrmUnavailable' }) }),
    }),
  );
  expect(log.filter((entry) => entry.action === 'retry' && entry.detail.batchId === batchId)).toHaveLength(20);
  // Twenty runs through the legacy portal's robot, beside another suite's on two CPUs: its own waits allow two minutes.
}, 240_000);

it('stops a batch after the run in hand and resumes it where it stopped', async () => {
  const accounts = Array.from({ length: 4 }, () => uniqueId('ACC'));
  for (const accountId of accounts) {
    const event = eventFor('crm.account.created', {
      accountId,
      companyName: `Batch ${accountId} GmbH`,
      billingEmail: `${accountId.toLowerCase()}@customer.test`,
      salesRepEmail: `rep-${accountId.toLowerCase()}@sales.test`,
    });
    expect((await sendEvent(engine.intakeUrl, engine.secret, event)).status).toBe(202);
  }
  const runs = await Promise.all(
    accounts.map(async (accountId) => {
      const workflowId = `customer-onboarding-${accountId}`;
      await eventually(
        () =>
          engine.client.workflow
            .getHandle(workflowId)
            .describe()
            .catch(() => undefined),
        workflowId,
      );
      return { workflowId, runId: (await engine.client.workflow.getHandle(workflowId).describe()).runId };
    }),
  );
  const headers = { ...(await engine.signedInAs(TEST_OPERATOR)), 'content-type': 'application/json' };
  const post = async (path: string, body: object) => {
    const response = await fetch(`${engine.intakeUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as BatchReport };
  };
  const started = await post('/repairs', {
    action: 'cancel',
    query: 'WorkflowType = "customerOnboarding"',
    reason: 'the accounts were made by mistake',
    perSecond: 1,
    runs,
  });
  expect(started.status).toBe(202);
  const { batchId } = started.body;
  expect((await post(`/repairs/${batchId}/stop`, { reason: 'checking with Sales first' })).body.status).toBe('stopped');
  const stopped = await eventually(async () => {
    const report = (await (await fetch(`${engine.intakeUrl}/repairs/${batchId}`, { headers })).json()) as BatchReport;
    return report.runs!.some((run) => !run.outcome) ? report : undefined;
  }, 'the stopped batch');
  expect(stopped.repaired).toBeLessThan(4);
  // Resuming again a batch that is stopped goes on with the runs not tried; a second stop of a stopped one is refused.
  expect((await post(`/repairs/${batchId}/stop`, { reason: 'again' })).status).toBe(409);
  expect((await post(`/repairs/${batchId}/resume`, { reason: 'Sales agrees' })).status).toBe(200);
  const done = await eventually(async () => {
    const report = (await (await fetch(`${engine.intakeUrl}/repairs/${batchId}`, { headers })).json()) as BatchReport;
    return report.status === 'done' ? report : undefined;
  }, 'the resumed batch');
  expect(done).toMatchObject({ total: 4, repaired: 4, refused: 0, failed: 0 });
  for (const run of runs) {
    const { status } = await engine.client.workflow.getHandle(run.workflowId).describe();
    expect(status.name).toBe('CANCELLED');
  }
});

it('asks before it touches anything, and refuses a selection without a terminal or --yes', async () => {
  const accountId = uniqueId('ACC');
  await sendEvent(engine.intakeUrl, engine.secret, eventFor('crm.account.created', { accountId }));
  await atStep(engine, `customer-onboarding-${accountId}`, 'credit-review');
  const cli = officeflowCli(engine);
  const unconfirmed = await cli.run('cancel', '--process', 'customer-onboarding', '--reason', 'tidy up', '--as', TEST_OPERATOR);
  expect(unconfirmed.stderr).toContain('Pass --yes to confirm without a terminal');
  expect(unconfirmed.code).toBe(2);
  expect((await engine.client.workflow.getHandle(`customer-onboarding-${accountId}`).describe()).status.name).toBe('RUNNING');
  const bare = await cli.run('retry', '--reason', 'x', '--as', TEST_OPERATOR);
  expect(bare.code).toBe(2);
  expect(bare.stderr).toContain("name a run's key, or select runs");
});
