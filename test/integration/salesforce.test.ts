import type { temporal } from '@temporalio/proto';
import { randomBytes } from 'node:crypto';
import { inSalesforce } from '../../cli/salespeople';
import {
  type NewOpportunity,
  type OpportunityNotification,
  type StandInOpportunity,
  type StandInSalesforce,
  postAsSalesforce,
  startStandInSalesforce,
} from '../../activities/crm/salesforce-stand-in';
import { type DealDesk, dealDesk, orderToCashTestSettings } from '../support/deals';
import { type TestEngine, eventually, startTestEngine, uniqueId } from '../support/engine';
import { freshStateDir } from '../support/local-env';
import { demoThrough, keptEvents, standInAt } from '../support/vendors';

/**
 * Salesforce as the CRM, over real HTTP against a stand-in speaking the part of Salesforce's REST API `jsforce` calls
 * (the client credentials flow, sObjects, two SOQL queries) and sending Outbound Messages (SOAP): an Opportunity moved
 * to Closed Won starts one order-to-cash run, however often Salesforce sends the message, which fetches the
 * Opportunity, its line items, Account and owner through jsforce; each milestone moves the Opportunity's stage and
 * notes are Tasks on it, once each; an unknown org is refused.
 */
const stages = { ordered: 'Ordered', shipped: 'Shipped', invoiced: 'Invoiced', paid: 'Paid' };

const endpointToken = randomBytes(24).toString('hex');
let salesforce: StandInSalesforce;
let engine: TestEngine;
let desk: DealDesk;
beforeAll(async () => {
  salesforce = await startStandInSalesforce(freshStateDir('officeflow-salesforce-'), 0);
  engine = await startTestEngine({
    env: {
      CRM: 'salesforce',
      SALESFORCE_LOGIN_URL: salesforce.url,
      SALESFORCE_CLIENT_ID: salesforce.clientId,
      SALESFORCE_CLIENT_SECRET: salesforce.clientSecret,
      SALESFORCE_ORGANIZATION_IDS: salesforce.organizationId,
      SALESFORCE_ENDPOINT_TOKEN: endpointToken,
      SALESFORCE_DEAL_STAGES: Object.entries(stages)
        .map((pair) => pair.join('='))
        .join(','),
    },
    settings: { 'order-to-cash': orderToCashTestSettings },
  });
  await standIn('/standin/outbound', { targetUrl: target() });
  desk = dealDesk(engine);
});
afterAll(async () => {
  await engine.stop();
  await salesforce.stop();
});

const { keptOf, started } = keptEvents(() => engine, 'salesforce', 'opportunity');
const target = (token = endpointToken) => `${engine.intakeUrl}/sources/salesforce/${token}`;
const standIn = standInAt(() => salesforce.url);
const opportunityIn = async (id: string) =>
  (await standIn(`/standin/opportunities/${id}`)) as unknown as StandInOpportunity & { tasks: string[] };

/** An Opportunity a salesperson made in Salesforce, with a product of the test's own. */
async function opportunity(changes: Partial<NewOpportunity> = {}): Promise<StandInOpportunity> {
  const buyer = uniqueId('buyer');
  return (await standIn('/standin/opportunities', {
    Name: `Desks for ${buyer}`,
    CurrencyIsoCode: 'EUR',
    // 20% off 62.50: a net price of 50.00, so the invoice is 119.00 with VAT.
    lineItems: [{ ProductCode: await desk.product(5), Quantity: 2, UnitPrice: 62.5, Discount: 20 }],
    account: {
      Name: `${buyer} GmbH`,
      BillingStreet: 'Hafenstraße 12',
      BillingPostalCode: '20457',
      BillingCity: 'Hamburg',
      BillingCountry: 'Germany',
      Billing_Email__c: `${buyer}@customer.test`,
    },
    owner: { Email: `rep-${buyer}@sales.test` },
    ...changes,
  })) as unknown as StandInOpportunity;
}

/** An Outbound Message as Salesforce sends it, from an org. */
async function deliver(organizationId: string, notifications: OpportunityNotification[], token = endpointToken) {
  const response = await postAsSalesforce(target(token), organizationId, notifications);
  return { status: response.status, text: await response.text() };
}

it('starts one order-to-cash run for an Opportunity won in Salesforce, fetched through jsforce, and takes it to cash', async () => {
  const won = await opportunity();
  expect(await standIn(`/standin/opportunities/${won.Id}/stage`, { StageName: 'Closed Won' })).toMatchObject({ acknowledged: true });
  await started(won.Id);
  // Salesforce sends the message again, unacknowledged (the same notification): acknowledged, nothing new.
  const { rows } = await engine.pool.query(`SELECT event_key FROM source_events WHERE source = 'salesforce' AND object_id = $1`, [
    `opportunity:${won.Id}:StageName`,
  ]);
  const again = await deliver(salesforce.organizationId, [
    { id: rows[0].event_key, opportunityId: won.Id, stage: 'Closed Won', at: new Date().toISOString() },
  ]);
  expect(again).toMatchObject({ status: 200, text: expect.stringContaining('<Ack>true</Ack>') });
  const mapped = async () => (await keptOf(won.Id)).filter((e) => e.event_type);
  expect(await mapped()).toEqual([{ outcome: 'started', event_type: 'crm.deal.won' }]);

  const d = { dealId: won.Id, workflowId: `order-to-cash-${won.Id}` };
  await desk.deliver(d);
  expect(await desk.pay(d, [119])).toMatchObject({ outcome: 'paid' });
  const told = await opportunityIn(won.Id);
  expect(told.stageHistory).toEqual(Object.values(stages));
  // Salesforce's outbound messages tell of officeflow's own moves too: kept, and taken by no process.
  const ignored = async () => (await keptOf(won.Id)).filter((e) => e.outcome === 'ignored').length;
  expect(await eventually(async () => ((await ignored()) === 4 ? 4 : undefined), 'the four moves, back from Salesforce')).toBe(4);
  expect(await mapped()).toEqual([{ outcome: 'started', event_type: 'crm.deal.won' }]);
  expect(told.tasks.some((task) => task.startsWith('Shipment '))).toBe(true);
  expect(new Set(told.tasks).size).toBe(told.tasks.length);
});

it('refuses a message from an unknown org or to a guessed endpoint with 401 and keeps nothing; keeps a malformed notification as refused', async () => {
  const won = await opportunity();
  const stranger = await deliver('00D000000000BADAAA', [
    { id: '04l00000000000A', opportunityId: won.Id, stage: 'Closed Won', at: new Date().toISOString() },
  ]);
  expect(stranger.status).toBe(401);
  // The right org at an endpoint URL without its secret: refused as well (an org's id is no secret).
  const guessed = await deliver(
    salesforce.organizationId,
    [{ id: '04l00000000000C', opportunityId: won.Id, stage: 'Closed Lost', at: new Date().toISOString() }],
    'x'.repeat(48),
  );
  expect(guessed.status).toBe(401);
  expect(await keptOf(won.Id)).toEqual([]);
  const malformed = await deliver(salesforce.organizationId, [
    { id: '04l00000000000B', opportunityId: 'not-an-id!', stage: 'Closed Won', at: new Date().toISOString() },
  ]);
  expect(malformed).toMatchObject({ status: 200, text: expect.stringContaining('<Ack>true</Ack>') });
  const { rows } = await engine.pool.query(`SELECT reason FROM source_events WHERE source = 'salesforce' AND outcome = 'refused'`);
  expect(rows.some((row: { reason: string }) => row.reason.includes('sObject.Id'))).toBe(true);
  expect((await deliver(salesforce.organizationId, [])).status).toBe(200);
  const notSoap = await fetch(target(), { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<hello/>' });
  expect(notSoap.status).toBe(400);
});

it('waits out a Salesforce outage (503) and goes on, moving and noting the Opportunity once each', async () => {
  const won = await opportunity();
  await standIn('/standin/faults', { status: 503, forMs: 3_000, retryAfterSeconds: 1 });
  const outageEnds = Date.now() + 3_000;
  await standIn(`/standin/opportunities/${won.Id}/stage`, { StageName: 'Closed Won' });
  await started(won.Id);
  const d = { dealId: won.Id, workflowId: `order-to-cash-${won.Id}` };
  await desk.deliver(d);
  expect(await desk.pay(d, [119])).toMatchObject({ outcome: 'paid' });
  // The deal was fetched once the outage was over (jsforce tries a GET again itself; Temporal tries the rest again).
  const { events } = await engine.client.workflow.getHandle(d.workflowId).fetchHistory();
  const at = (e?: temporal.api.history.v1.IHistoryEvent) => Number(e?.eventTime?.seconds ?? 0) + (e?.eventTime?.nanos ?? 0) / 1e9;
  const fetch = events!.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'fetchWonDeal');
  const fetched = events!.find((e) => e.activityTaskCompletedEventAttributes?.scheduledEventId?.toString() === fetch?.eventId?.toString());
  expect(at(fetched) * 1000).toBeGreaterThanOrEqual(outageEnds - 100);
  const told = await opportunityIn(won.Id);
  expect(told.stageHistory).toEqual(Object.values(stages));
  expect(new Set(told.tasks).size).toBe(told.tasks.length);
});

it('plays the demo through Salesforce: the Opportunity is won there and its outbound message starts the run, which goes to cash', async () => {
  const { outcome, dealId } = await demoThrough(engine, inSalesforce(salesforce.url));
  expect(outcome).toMatch(/^finished: .*"outcome":"paid"/);
  expect((await opportunityIn(dealId)).StageName).toBe(stages.paid);
});
