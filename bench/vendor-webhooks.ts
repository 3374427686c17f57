import { postAsHubSpot } from '../activities/crm/hubspot-stand-in';
import type { Pool } from 'pg';
import { percentile } from './statistics';

export interface VendorWebhookRow {
  source: 'hubspot';
  /** Deliveries sent a second (open loop: at this rate whatever the answers), and events in each. */
  rate: number;
  batch: number;
  requests: number;
  /** Answers other than 200, by status. */
  refused: Record<string, number>;
  ms: { p50: number; p95: number; p99: number };
  /** From the last delivery's answer until every event it kept was dispatched to its process. */
  dispatchedWithinSeconds: number;
}

/**
 * HubSpot's webhooks as HubSpot sends them to a measured intake: `rate` deliveries a second for `seconds`, each signed
 * with the app's client secret and holding `batch` events, one a deal won (which starts a run) and the rest changes no
 * process takes. Latency as HubSpot sees it, then how long the intake took to dispatch what it kept.
 */
export async function measureHubSpotWebhooks(
  intakeUrl: string,
  clientSecret: string,
  pool: Pool,
  { rate, seconds, batch }: { rate: number; seconds: number; batch: number },
): Promise<VendorWebhookRow> {
  const url = `${intakeUrl}/sources/hubspot`;
  const latencies: number[] = [];
  const refused: Record<string, number> = {};
  // Deal ids of this measurement's own, apart from any other's.
  const base = 900_000_000 + Math.floor(Math.random() * 1_000_000) * 1000;
  let eventId = base;
  const delivery = (deal: number) => {
    const occurredAt = Date.now();
    const change = (propertyName: string, propertyValue: string) => ({
      eventId: eventId++,
      subscriptionId: 1,
      portalId: 62515,
      appId: 1160452,
      occurredAt,
      subscriptionType: 'deal.propertyChange',
      attemptNumber: 0,
      objectId: deal,
      propertyName,
      propertyValue,
    });
    return [change('dealstage', 'closedwon'), ...Array.from({ length: batch - 1 }, (_, i) => change(`note_${i}`, 'changed'))];
  };
  const send = async (deal: number) => {
    const began = performance.now();
    const response = await postAsHubSpot(url, clientSecret, JSON.stringify(delivery(deal)));
    await response.arrayBuffer();
    latencies.push(performance.now() - began);
    if (response.status !== 200) refused[response.status] = (refused[response.status] ?? 0) + 1;
  };

  const sent: Array<Promise<void>> = [];
  const total = Math.round(rate * seconds);
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    sent.push(send(base + i));
  }
  await Promise.all(sent);
  const answered = performance.now();
  for (;;) {
    const { rows } = await pool.query<{ pending: number }>(
      `SELECT count(*)::int AS pending FROM source_events WHERE source = 'hubspot' AND outcome = 'pending'`,
    );
    if (rows[0].pending === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    source: 'hubspot',
    rate,
    batch,
    requests: latencies.length,
    refused,
    ms: { p50: round(percentile(latencies, 50)), p95: round(percentile(latencies, 95)), p99: round(percentile(latencies, 99)) },
    dispatchedWithinSeconds: round((performance.now() - answered) / 1000),
  };
}
