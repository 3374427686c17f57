import { inPipedrive } from '../../cli/salespeople';
import {
  type NewPipedriveDeal,
  type StandInPipedrive,
  type StandInPipedriveDeal,
  postAsPipedrive,
  startStandInPipedrive,
} from '../../activities/crm/pipedrive-stand-in';
import { type DealDesk, dealDesk, orderToCashTestSettings } from '../support/deals';
import { type TestEngine, startTestEngine, uniqueId } from '../support/engine';
import { freshStateDir } from '../support/local-env';
import { demoThrough, keptEvents, standInAt } from '../support/vendors';

/**
 * Pipedrive as the CRM, over real HTTP against a stand-in speaking the part of Pipedrive's API its SDK calls and sending
 * its webhooks (v2) with the HTTP Basic credentials set on them: a deal marked won starts one order-to-cash run, which
 * fetches the deal, its products, organization, person and owner through the SDK; each milestone moves the deal along
 * the mapped stages and notes go on it once; wrong credentials and malformed webhooks are refused.
 */
const stages = { ordered: '11', shipped: '12', invoiced: '13', paid: '14' };
const credentials = { user: 'pipedrive', password: 'webhook-password-of-the-test' };

let pipedrive: StandInPipedrive;
let engine: TestEngine;
let desk: DealDesk;
beforeAll(async () => {
  pipedrive = await startStandInPipedrive(freshStateDir('officeflow-pipedrive-'), 0);
  engine = await startTestEngine({
    env: {
      CRM: 'pipedrive',
      PIPEDRIVE_URL: pipedrive.url,
      PIPEDRIVE_API_TOKEN: pipedrive.apiToken,
      PIPEDRIVE_DEAL_STAGES: Object.entries(stages)
        .map((pair) => pair.join('='))
        .join(','),
      PIPEDRIVE_WEBHOOK_USER: credentials.user,
      PIPEDRIVE_WEBHOOK_PASSWORD: credentials.password,
    },
    settings: { 'order-to-cash': orderToCashTestSettings },
  });
  await standIn('/standin/webhook', { targetUrl: target(), ...credentials });
  desk = dealDesk(engine);
});
afterAll(async () => {
  await engine.stop();
  await pipedrive.stop();
});

const { keptOf, started } = keptEvents(() => engine, 'pipedrive');
const target = () => `${engine.intakeUrl}/sources/pipedrive`;
const standIn = standInAt(() => pipedrive.url);
const dealInPipedrive = async (id: number) =>
  (await standIn(`/standin/deals/${id}`)) as unknown as StandInPipedriveDeal & { notes: string[] };

/** A deal a salesperson made in Pipedrive, with a product of the test's own. */
async function pipedriveDeal(changes: Partial<NewPipedriveDeal> = {}): Promise<StandInPipedriveDeal> {
  const buyer = uniqueId('buyer');
  return (await standIn('/standin/deals', {
    title: `Desks for ${buyer}`,
    currency: 'EUR',
    // 25.00 off the line of two at 62.50: a net price of 50.00; beside it a product left on the deal, disabled.
    products: [
      { code: await desk.product(5), name: 'Desk', item_price: 62.5, quantity: 2, discount: 25, discount_type: 'amount' },
      { name: 'Chair, offered and declined', item_price: 99, quantity: 1, is_enabled: false },
    ],
    organization: {
      name: `${buyer} GmbH`,
      address: { route: 'Hafenstraße', street_number: '12', postal_code: '20457', locality: 'Hamburg', country: 'Germany' },
    },
    person: { name: 'Ann Buyer', email: `${buyer}@customer.test` },
    owner: { email: `rep-${buyer}@sales.test` },
    ...changes,
  })) as unknown as StandInPipedriveDeal;
}

/** A webhook as Pipedrive sends it (v2), with the given credentials. */
async function deliver(body: object, { user, password } = credentials) {
  const response = await postAsPipedrive(target(), { user, password }, body);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
const wonWebhook = (dealId: number, id = uniqueId('evt')) => ({
  meta: {
    action: 'change',
    entity: 'deal',
    entity_id: String(dealId),
    id,
    timestamp: new Date().toISOString(),
    version: '2.0',
    attempt: 1,
  },
  data: { id: dealId, status: 'won' },
  previous: { status: 'open' },
});

it('starts one order-to-cash run for a deal marked won in Pipedrive, fetched through the SDK, and takes it to cash', async () => {
  const deal = await pipedriveDeal();
  expect(await standIn(`/standin/deals/${deal.id}/status`, { status: 'won' })).toMatchObject({ delivered: true, status: 200 });
  await started(deal.id);
  // Pipedrive sends it again (the same event id): kept once, nothing new.
  const again = (
    await engine.pool.query(`SELECT event_key FROM source_events WHERE source = 'pipedrive' AND object_id = $1`, [`deal:${deal.id}:status`])
  ).rows[0].event_key as string;
  expect(await deliver(wonWebhook(deal.id, again))).toEqual({ status: 200, body: { received: 1, new: 0 } });

  const d = { dealId: String(deal.id), workflowId: `order-to-cash-${deal.id}` };
  await desk.deliver(d);
  expect(await desk.pay(d, [119])).toMatchObject({ outcome: 'paid' });
  const { rows } = await engine.pool.query(
    `SELECT c.company_name, c.billing_email, l.unit_price FROM sales_orders o JOIN customers c ON c.customer_number = o.customer_number
     JOIN sales_order_lines l ON l.order_number = o.order_number WHERE o.deal_id = $1`,
    [String(deal.id)],
  );
  // Ordered at the net price: the CRM's price less its discount.
  expect(rows).toEqual([
    { company_name: expect.stringMatching(/ GmbH$/), billing_email: expect.stringMatching(/@customer\.test$/), unit_price: '50.00' },
  ]);
  const told = await dealInPipedrive(deal.id);
  expect(told.stageHistory.map(String)).toEqual(Object.values(stages));
  expect(told.notes.some((note) => note.startsWith('Shipment '))).toBe(true);
  expect(new Set(told.notes).size).toBe(told.notes.length);
});

it('refuses wrong or missing credentials with 401 and keeps nothing; keeps a malformed webhook as refused', async () => {
  const deal = await pipedriveDeal();
  expect((await deliver(wonWebhook(deal.id), { ...credentials, password: 'guessed' })).status).toBe(401);
  const unsigned = await fetch(target(), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(wonWebhook(deal.id)),
  });
  expect(unsigned.status).toBe(401);
  expect(await keptOf(deal.id)).toEqual([]);
  const malformed = { ...wonWebhook(deal.id), meta: { ...wonWebhook(deal.id).meta, timestamp: 'yesterday' } };
  expect(await deliver(malformed)).toEqual({ status: 200, body: { received: 1, new: 1 } });
  const { rows } = await engine.pool.query(`SELECT reason FROM source_events WHERE source = 'pipedrive' AND outcome = 'refused'`);
  expect(rows.some((row: { reason: string }) => row.reason.includes('meta.timestamp'))).toBe(true);
});

it('waits out Pipedrive’s rate limit while fetching the deal, as its Retry-After says', async () => {
  const deal = await pipedriveDeal();
  await standIn('/standin/faults', { status: 429, forMs: 3_000, retryAfterSeconds: 3 });
  await standIn(`/standin/deals/${deal.id}/status`, { status: 'won' });
  await started(deal.id);
  await desk.atStep(`order-to-cash-${deal.id}`, 'in-delivery');
  const { events } = await engine.client.workflow.getHandle(`order-to-cash-${deal.id}`).fetchHistory();
  const fetched = events!.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'fetchWonDeal');
  const fetchedAt = events!.find(
    (e) => e.activityTaskStartedEventAttributes?.scheduledEventId?.toString() === fetched?.eventId?.toString(),
  );
  // Refused once, then taken on the second attempt, 3 s later as Pipedrive asked (Temporal's own backoff, 1 s then 2 s,
  // would have needed a third).
  expect(fetchedAt?.activityTaskStartedEventAttributes?.attempt).toBe(2);
});

it('plays the demo through Pipedrive: the deal is won there and its webhook starts the run, which goes to cash', async () => {
  const { outcome, dealId } = await demoThrough(engine, inPipedrive(pipedrive.url));
  expect(outcome).toMatch(/^finished: .*"outcome":"paid"/);
  expect((await dealInPipedrive(Number(dealId))).stage_id).toBe(Number(stages.paid));
});
