import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow';
import type { temporal } from '@temporalio/proto';
import { inHubSpot } from '../../cli/salespeople';
import {
  type NewDeal,
  type StandInDeal,
  type StandInHubSpot,
  postAsHubSpot,
  startStandInHubSpot,
} from '../../activities/crm/hubspot-stand-in';
import { type DealDesk, dealDesk, orderToCashTestSettings } from '../support/deals';
import { TEST_AUDITOR, TEST_OPERATOR, type TestEngine, eventually, startTestEngine, uniqueId } from '../support/engine';
import { officeflowCli } from '../support/cli';
import { freshStateDir } from '../support/local-env';
import { demoThrough, hubspotEnv, keptEvents, standInAt } from '../support/vendors';

/**
 * HubSpot as the CRM, over real HTTP against a stand-in speaking HubSpot's CRM v3 API and signing its webhooks with
 * HubSpot's own SDK. Telling: each milestone moves the deal along the pipeline the settings map, notes go on the deal
 * once however often a step runs, HubSpot's rate limit is waited out as its `Retry-After` says. Hearing: a salesperson
 * moves a deal to closed-won; officeflow keeps the delivery, answers at once, starts one run however often HubSpot
 * sends the event, and the run fetches the deal, its line items, company, contact and owner through the SDK. Bad
 * signatures, malformed events and out-of-order changes are each seen for what they are.
 */
// A deal counts as won again once paid: officeflow's own move to closed-won comes back as HubSpot's webhook.
const stages = { ordered: '28394001', shipped: '28394002', invoiced: '28394003', paid: 'closedwon' };

let hubspot: StandInHubSpot;
let engine: TestEngine;
let desk: DealDesk;
beforeAll(async () => {
  hubspot = await startStandInHubSpot(freshStateDir('officeflow-hubspot-webhooks-'), 0);
  engine = await startTestEngine({
    env: hubspotEnv(hubspot, stages),
    settings: { 'order-to-cash': orderToCashTestSettings },
  });
  await standIn('/standin/app', { targetUrl: target() });
  desk = dealDesk(engine);
});
afterAll(async () => {
  await engine.stop();
  await hubspot.stop();
});

const { keptOf, started } = keptEvents(() => engine, 'hubspot');
const target = () => `${engine.intakeUrl}/sources/hubspot`;
const standIn = standInAt(() => hubspot.url);

/** A deal a salesperson made in HubSpot, with a product of the test's own. */
async function hubspotDeal(changes: Partial<NewDeal> = {}): Promise<StandInDeal> {
  const sku = await desk.product(5);
  const buyer = uniqueId('buyer');
  return (await standIn('/standin/deals', {
    properties: { dealname: `Desks for ${buyer}`, dealstage: 'contractsent', deal_currency_code: 'EUR' },
    // HubSpot's unit discount: 5.00 off each unit, a net price of 50.00.
    lineItems: [{ hs_sku: sku, quantity: '2', price: '55.00', discount: '5.00', name: 'Desk' }],
    company: { name: `${buyer} GmbH`, address: 'Hafenstraße 12', zip: '20457', city: 'Hamburg', country: 'Germany' },
    contact: { email: `${buyer}@customer.test` },
    owner: { email: `rep-${buyer}@sales.test` },
    ...changes,
  })) as unknown as StandInDeal;
}

/** A delivery as HubSpot sends it, signed by HubSpot's SDK with the app's client secret (or another). */
async function deliver(events: unknown, { secret = hubspot.clientSecret, timestamp = Date.now() } = {}) {
  const response = await postAsHubSpot(target(), secret, JSON.stringify(events), timestamp);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

let nextEventId = 900_000;
const stageChange = (dealId: string, stage: string, occurredAt = Date.now()) => ({
  eventId: nextEventId++,
  subscriptionId: 7,
  portalId: 62515,
  appId: 1160452,
  occurredAt,
  subscriptionType: 'deal.propertyChange',
  attemptNumber: 0,
  objectId: Number(dealId),
  propertyName: 'dealstage',
  propertyValue: stage,
  changeSource: 'CRM_UI',
});

/** A deal a salesperson made in HubSpot, whose win reaches officeflow as a CloudEvent under the deal's HubSpot id. */
async function closedWonEvent() {
  const { id } = await hubspotDeal();
  const d = desk.deal(await desk.product(5), { dealId: id, unitPrice: 100 });
  expect((await desk.send('crm.deal.closed_won', d.event.data as Record<string, unknown>)).status).toBe(202);
  return d;
}
const dealInHubSpot = async (id: string) => (await standIn(`/standin/deals/${id}`)) as unknown as StandInDeal & { notes: string[] };

/** A failure as the run's history keeps it, decrypted as the CLI and the UI show it. */
const decoded = (failure: temporal.api.failure.v1.IFailure | null | undefined) =>
  decodeOptionalFailureToOptionalError(engine.client.workflow.options.loadedDataConverter, failure);

it('moves the HubSpot deal along the pipeline at each milestone and notes each once, through the SDK', async () => {
  const d = await closedWonEvent();
  await desk.deliver(d);
  expect(await desk.pay(d, [119])).toMatchObject({ outcome: 'paid' });
  const deal = await dealInHubSpot(d.dealId);
  expect(deal.stageHistory).toEqual(Object.values(stages));
  expect(deal.properties.dealstage).toBe(stages.paid);
  // Each milestone's note once, marked with what wrote it.
  expect(deal.notes.some((note) => /^Shipment /.test(note))).toBe(true);
  expect(new Set(deal.notes.map((note) => /officeflow:\w+/.exec(note)?.[0])).size).toBe(deal.notes.length);
});

it('waits out HubSpot’s rate limit as long as its Retry-After says, and doubles nothing', async () => {
  await standIn('/standin/faults', { status: 429, forMs: 6_000, retryAfterSeconds: 4 });
  const d = await closedWonEvent();
  // The first milestone is refused; the step's next attempt is set for when HubSpot said, not the usual backoff.
  const waiting = await eventually(async () => {
    const { raw } = await engine.client.workflow.getHandle(d.workflowId).describe();
    return raw.pendingActivities?.find((a) => a.activityType?.name === 'updateDeal' && a.lastFailure && a.nextAttemptScheduleTime);
  }, 'updateDeal refused by the rate limit');
  expect((await decoded(waiting.lastFailure))?.message).toContain('HubSpot refused deal');
  const seconds = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(t?.seconds ?? 0) + (t?.nanos ?? 0) / 1e9;
  expect(seconds(waiting.nextAttemptScheduleTime) - seconds(waiting.lastStartedTime)).toBeGreaterThanOrEqual(3.9);

  await desk.deliver(d);
  expect(await desk.pay(d, [119])).toMatchObject({ outcome: 'paid' });
  const deal = await dealInHubSpot(d.dealId);
  expect(deal.stageHistory).toEqual(Object.values(stages));
  expect(new Set(deal.notes).size).toBe(deal.notes.length);
});

it('fails the step for good, quoting HubSpot, when HubSpot has no such deal', async () => {
  const d = desk.deal(await desk.product(5), { dealId: '999999999' });
  expect((await desk.send('crm.deal.closed_won', d.event.data as Record<string, unknown>)).status).toBe(202);
  const failed = await eventually(async () => {
    const { events } = await engine.client.workflow.getHandle(d.workflowId).fetchHistory();
    return events?.find((e) => e.activityTaskFailedEventAttributes)?.activityTaskFailedEventAttributes?.failure ?? undefined;
  }, 'the refused step');
  expect(failed.applicationFailureInfo?.nonRetryable).toBe(true);
  expect((await decoded(failed))?.message).toContain('HubSpot refused deal 999999999 -> ordered: 404 Object not found');
});

it('starts one order-to-cash run for a deal won in HubSpot, fetched through the SDK, and takes it to cash', async () => {
  const deal = await hubspotDeal();
  // The salesperson wins the deal: HubSpot sends its webhook.
  const sent = (await standIn(`/standin/deals/${deal.id}/stage`, { dealstage: 'closedwon' })) as { status: number; events: object[] };
  expect(sent.status).toBe(200);
  // HubSpot sends it again, in a batch with a change no process takes.
  const amount = { ...stageChange(deal.id, 'x'), propertyName: 'amount', propertyValue: '100' };
  expect(await deliver([amount, ...sent.events])).toEqual({ status: 200, body: { received: 2, new: 1 } });

  const workflowId = `order-to-cash-${deal.id}`;
  const d = { dealId: deal.id, workflowId };
  await started(deal.id);
  await desk.deliver(d);
  expect(await desk.pay(d, [119])).toMatchObject({ outcome: 'paid' });
  // HubSpot tells the app of officeflow's own moves too: the milestones no process takes, and the move back to
  // closed-won, which starts no second order.
  const outcomes = async () => (await keptOf(deal.id)).map((e) => `${e.outcome} ${e.event_type}`).sort();
  await eventually(async () => ((await outcomes()).includes('duplicate crm.deal.won') ? true : undefined), 'the move back to closed-won');
  expect(await outcomes()).toEqual([
    'duplicate crm.deal.won',
    'ignored null',
    'ignored null',
    'ignored null',
    'ignored null',
    'started crm.deal.won',
  ]);
  const { rowCount } = await engine.pool.query(`SELECT 1 FROM intake_events WHERE workflow_id = $1 AND action = 'start'`, [workflowId]);
  expect(rowCount).toBe(1);
  // The order is HubSpot's deal: its company as the customer, its line item, its owner as the sales rep.
  const { rows } = await engine.pool.query(
    `SELECT c.company_name, c.billing_email, l.unit_price FROM sales_orders o JOIN customers c ON c.customer_number = o.customer_number
     JOIN sales_order_lines l ON l.order_number = o.order_number WHERE o.deal_id = $1`,
    [deal.id],
  );
  // Ordered at the net price: the CRM's price less its discount.
  expect(rows).toEqual([
    { company_name: expect.stringMatching(/ GmbH$/), billing_email: expect.stringMatching(/@customer\.test$/), unit_price: '50.00' },
  ]);
  const told = (await standIn(`/standin/deals/${deal.id}`)) as unknown as StandInDeal & { notes: string[] };
  expect(told.stageHistory).toEqual(['closedwon', ...Object.values(stages)]);
  expect(told.notes.some((note) => note.startsWith('Shipment '))).toBe(true);
});

it('refuses a wrong, missing or stale signature with 401 and keeps nothing', async () => {
  const deal = await hubspotDeal();
  const event = stageChange(deal.id, 'closedwon');
  expect((await deliver([event], { secret: 'not-the-app-secret' })).status).toBe(401);
  expect((await deliver([event], { timestamp: Date.now() - 6 * 60_000 })).status).toBe(401);
  const unsigned = await fetch(target(), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([event]),
  });
  expect(unsigned.status).toBe(401);
  expect(await keptOf(deal.id)).toEqual([]);
});

it('takes the rest of a batch with a malformed event, which operators see refused; never a 5xx', async () => {
  const deal = await hubspotDeal();
  const malformed = { ...stageChange(deal.id, 'closedwon'), eventId: 'not-a-number' };
  const answer = await deliver([malformed, stageChange(deal.id, 'closedwon')]);
  expect(answer).toEqual({ status: 200, body: { received: 2, new: 2 } });
  await started(deal.id);
  const listed = await fetch(`${engine.intakeUrl}/sources/events?source=hubspot&outcome=refused`, {
    headers: await engine.signedInAs(TEST_AUDITOR),
  });
  const refused = (await listed.json()) as Array<{ objectId: string; reason: string }>;
  expect(refused.find((e) => e.objectId === `deal:${deal.id}:?` || e.objectId.startsWith(`deal:${deal.id}`))?.reason).toContain('eventId');
  // The same, as operators and auditors list it.
  const listedByCli = await officeflowCli(engine).json<Array<{ reason: string }>>(
    'source-events',
    '--source',
    'hubspot',
    '--outcome',
    'refused',
    '--as',
    TEST_AUDITOR,
  );
  expect(listedByCli.some((e) => e.reason.includes('eventId'))).toBe(true);
  expect((await deliver({ not: 'an array' })).status).toBe(400);
});

it('passes over a stage change older than one already seen: a deal lost after it was won starts nothing', async () => {
  const deal = await hubspotDeal();
  const wonAt = Date.now() - 60_000;
  // HubSpot does not keep order: the later change (lost) arrives first.
  await deliver([stageChange(deal.id, 'closedlost', wonAt + 30_000)]);
  await deliver([stageChange(deal.id, 'closedwon', wonAt)]);
  const outcomes = await eventually(async () => {
    const kept = await keptOf(deal.id);
    return kept.every((e) => e.outcome !== 'pending') ? kept : undefined;
  }, 'both changes dispatched');
  expect(outcomes).toEqual([
    { outcome: 'stale', event_type: 'crm.deal.won' },
    // The deal has no order run to cancel.
    { outcome: 'not-running', event_type: 'crm.deal.cancelled' },
  ]);
  const { rowCount } = await engine.pool.query(`SELECT 1 FROM intake_events WHERE workflow_id = $1`, [`order-to-cash-${deal.id}`]);
  expect(rowCount).toBe(0);
});

it('fails a run whose HubSpot deal makes no order, saying what is missing there too; fixed, a retry takes it on', async () => {
  const deal = await hubspotDeal({ lineItems: [{ quantity: '1', price: '10.00', name: 'Something without a SKU' }] });
  await standIn(`/standin/deals/${deal.id}/stage`, { dealstage: 'closedwon' });
  const workflowId = `order-to-cash-${deal.id}`;
  await started(deal.id);
  const failure = await engine.client.workflow
    .getHandle(workflowId)
    .result()
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  expect(failure).toMatchObject({
    cause: expect.objectContaining({ type: 'DealIncomplete', message: expect.stringContaining('lines.0.sku: missing') }),
  });
  const told = (await standIn(`/standin/deals/${deal.id}`)) as unknown as { notes: string[] };
  expect(told.notes).toEqual([expect.stringContaining('officeflow did not take this deal: lines.0.sku: missing.')]);
  const { searchAttributes } = await engine.client.workflow.getHandle(workflowId).describe();
  expect(searchAttributes.ProcessStep).toEqual(['deal-incomplete']);

  // Sales adds the SKU in HubSpot; an operator retries the run, which fetches the deal again and goes on.
  const fixed = await fetch(`${hubspot.url}/crm/v3/objects/line_items/${deal.lineItemIds[0]}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${hubspot.token}` },
    body: JSON.stringify({ properties: { hs_sku: await desk.product(5) } }),
  });
  expect(fixed.status).toBe(200);
  const retried = await fetch(`${engine.intakeUrl}/runs/${workflowId}/retry`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await engine.signedInAs(TEST_OPERATOR)) },
    body: JSON.stringify({ reason: 'Sales added the SKU' }),
  });
  expect(retried.status).toBe(200);
  await desk.atStep(workflowId, 'in-delivery');
});

it('takes no webhook as proof: a deal named won that HubSpot does not hold as won makes no order', async () => {
  const deal = await hubspotDeal();
  // A signed event saying closed-won, for a deal HubSpot holds in another stage.
  expect((await deliver([stageChange(deal.id, 'closedwon')])).status).toBe(200);
  await started(deal.id);
  const failure = await engine.client.workflow
    .getHandle(`order-to-cash-${deal.id}`)
    .result()
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  expect(failure).toMatchObject({
    cause: expect.objectContaining({ type: 'DealIncomplete', message: expect.stringContaining('deal: not won in HubSpot') }),
  });
});

it('plays the demo through HubSpot: the deal is won there and its webhook starts the run, which goes to cash', async () => {
  const { outcome, dealId } = await demoThrough(engine, inHubSpot(hubspot.url));
  expect(outcome).toMatch(/^finished: .*"outcome":"paid"/);
  expect(((await standIn(`/standin/deals/${dealId}`)) as unknown as StandInDeal).properties.dealstage).toBe(stages.paid);
});
