import { postAsHubSpot } from '../activities/crm/hubspot-stand-in';
import { postAsPipedrive } from '../activities/crm/pipedrive-stand-in';
import { postAsSalesforce } from '../activities/crm/salesforce-stand-in';
import type { Pool } from 'pg';
import { percentile } from './statistics';

export type VendorSource = 'hubspot' | 'pipedrive' | 'salesforce';

export interface VendorWebhookRow {
  source: VendorSource;
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

/** What each vendor's endpoint takes: HubSpot's client secret, Pipedrive's Basic credentials, Salesforce's org and token. */
export interface VendorCredentials {
  hubspot: { clientSecret: string };
  pipedrive: { user: string; password: string };
  salesforce: { organizationId: string; endpointToken: string };
}

/** Sends delivery `n` (about the deals numbered from `deal`) as the vendor does: the answer. */
type Deliver = (n: number, deal: number) => Promise<Response>;

/**
 * How each vendor delivers `batch` changes, one a deal won (which starts a run) and the rest changes no process takes:
 * HubSpot batches its events, signed with the app's client secret; Salesforce batches notifications in one SOAP
 * message; Pipedrive sends each change alone, so one delivery in `batch` is a deal won.
 */
const deliveries = (intakeUrl: string, credentials: VendorCredentials, batch: number): Record<VendorSource, Deliver> => ({
  hubspot: (n, deal) => {
    const occurredAt = Date.now();
    const change = (i: number, propertyName: string, propertyValue: string) => ({
      eventId: deal * batch + i,
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
    const events = [
      change(0, 'dealstage', 'closedwon'),
      ...Array.from({ length: batch - 1 }, (_, i) => change(i + 1, `note_${i}`, 'changed')),
    ];
    return postAsHubSpot(`${intakeUrl}/sources/hubspot`, credentials.hubspot.clientSecret, JSON.stringify(events));
  },
  pipedrive: (n, deal) => {
    const won = n % batch === 0;
    return postAsPipedrive(`${intakeUrl}/sources/pipedrive`, credentials.pipedrive, {
      meta: {
        action: 'change',
        entity: 'deal',
        entity_id: String(deal),
        id: `bench-${deal}-${n}`,
        timestamp: new Date().toISOString(),
        version: '2.0',
      },
      data: won ? { id: deal, status: 'won' } : { id: deal, title: `Deal ${n}`, status: 'open' },
      previous: won ? { status: 'open' } : { title: `Deal ${n - 1}` },
    });
  },
  salesforce: (n, deal) => {
    const at = new Date().toISOString();
    const opportunity = (i: number) => `006${String(deal * batch + i).padStart(12, '0')}`;
    return postAsSalesforce(
      `${intakeUrl}/sources/salesforce/${credentials.salesforce.endpointToken}`,
      credentials.salesforce.organizationId,
      Array.from({ length: batch }, (_, i) => ({
        id: `04l${String(deal * batch + i).padStart(12, '0')}`,
        opportunityId: opportunity(i),
        stage: i === 0 ? 'Closed Won' : 'Negotiation/Review',
        at,
      })),
    );
  },
});

/**
 * A vendor's webhooks as the vendor sends them to a measured intake: `rate` deliveries a second for `seconds`, each
 * holding `batch` changes where the vendor batches them. Latency as the vendor sees it, then how long the intake took
 * to dispatch what it kept.
 */
export async function measureVendorWebhooks(
  source: VendorSource,
  intakeUrl: string,
  credentials: VendorCredentials,
  pool: Pool,
  { rate, seconds, batch }: { rate: number; seconds: number; batch: number },
): Promise<VendorWebhookRow> {
  const deliver = deliveries(intakeUrl, credentials, batch)[source];
  const latencies: number[] = [];
  const refused: Record<string, number> = {};
  // Deal numbers of this measurement's own, apart from any other's.
  const base = 90_000_000 + Math.floor(Math.random() * 1_000_000) * 1000;
  const send = async (n: number) => {
    // Pipedrive's deliveries are each one change: `batch` of them tell of one deal.
    const deal = source === 'pipedrive' ? base + Math.floor(n / batch) : base + n;
    const began = performance.now();
    const response = await deliver(n, deal);
    await response.arrayBuffer();
    latencies.push(performance.now() - began);
    if (response.status !== 200) refused[response.status] = (refused[response.status] ?? 0) + 1;
  };

  const sent: Array<Promise<void>> = [];
  const total = Math.round(rate * seconds);
  const start = performance.now();
  for (let n = 0; n < total; n++) {
    const due = start + (n * 1000) / rate;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    sent.push(send(n));
  }
  await Promise.all(sent);
  const answered = performance.now();
  for (;;) {
    const { rows } = await pool.query<{ pending: number }>(
      `SELECT count(*)::int AS pending FROM source_events WHERE source = $1 AND outcome = 'pending'`,
      [source],
    );
    if (rows[0].pending === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    source,
    rate,
    batch: source === 'pipedrive' ? 1 : batch,
    requests: latencies.length,
    refused,
    ms: { p50: round(percentile(latencies, 50)), p95: round(percentile(latencies, 95)), p99: round(percentile(latencies, 99)) },
    dispatchedWithinSeconds: round((performance.now() - answered) / 1000),
  };
}
