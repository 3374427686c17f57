import { Pool } from 'pg';
import pino from 'pino';
import { type Dispatched, type PendingEvent, type SourceEvent, sourceEvents } from '../../web/sources/source-events';
import { testConfig, uniqueId } from '../support/engine';

/**
 * Engines sharing a database (each with its TASK_QUEUE_SUFFIX, as the test engines and a staging beside production
 * do): each dispatches only the vendors' events its own intakes kept. Before, any engine's dispatcher took any pending
 * event and started its run on its own task queues, with its own CRM connection.
 */
const pool = new Pool({ connectionString: testConfig().DATABASE_URL! });
afterAll(() => pool.end());
const log = pino({ level: 'silent' });

/** A dispatcher that notes what it was given, and starts it. */
function dispatcherNoting(taken: PendingEvent[]) {
  return async (event: PendingEvent): Promise<Dispatched> => {
    taken.push(event);
    return { outcome: 'started', workflowId: `order-to-cash-${event.eventKey}` };
  };
}

it("dispatches only the events its own engine kept, and never another engine's on the same database", async () => {
  const ours = sourceEvents(pool, `@${uniqueId('ours')}`);
  const theirs = sourceEvents(pool, `@${uniqueId('theirs')}`);
  const won: SourceEvent = {
    eventKey: uniqueId('62515:1'),
    objectId: `deal:${uniqueId('D')}:dealstage`,
    occurredAt: new Date(),
    type: 'crm.deal.won',
    data: { dealId: 'D-1' },
  };
  expect(await ours.keep('hubspot', [won])).toBe(1);

  const takenByThem: PendingEvent[] = [];
  expect(await theirs.dispatchDue(dispatcherNoting(takenByThem), log)).toBe(0);
  expect(takenByThem).toEqual([]);
  expect(await theirs.list({ source: 'hubspot' })).not.toContainEqual(expect.objectContaining({ eventKey: won.eventKey }));

  const takenByUs: PendingEvent[] = [];
  expect(await ours.dispatchDue(dispatcherNoting(takenByUs), log)).toBe(1);
  expect(takenByUs.map((event) => event.eventKey)).toEqual([won.eventKey]);
  expect(await ours.list({ source: 'hubspot' })).toContainEqual(
    expect.objectContaining({ eventKey: won.eventKey, outcome: 'started', workflowId: `order-to-cash-${won.eventKey}` }),
  );

  // The same delivery to the other engine is its own to keep and dispatch, once.
  expect(await theirs.keep('hubspot', [won])).toBe(1);
  expect(await theirs.keep('hubspot', [won])).toBe(0);
  expect(await theirs.dispatchDue(dispatcherNoting(takenByThem), log)).toBe(1);
  expect(takenByThem.map((event) => event.eventKey)).toEqual([won.eventKey]);
});
