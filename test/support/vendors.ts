import type { StandInHubSpot } from '../../activities/crm/hubspot-stand-in';
import { type DemoStage, playDemo } from '../../cli/demo';
import type { Salesperson } from '../../cli/salespeople';
import { type TestEngine, eventually, uniqueId } from './engine';

/** A vendor's stand-in as a test drives it: its pages for people (`POST` with a body, else `GET`), their JSON answer. */
export const standInAt =
  (url: () => string) =>
  async (path: string, body?: object): Promise<Record<string, unknown>> => {
    const response = await fetch(`${url()}${path}`, {
      ...(body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    return response.json() as Promise<Record<string, unknown>>;
  };

/** What the intake kept of a vendor's events about one deal (a HubSpot `deal`, a Salesforce `opportunity`), oldest change first, and when its run started. */
export function keptEvents(engine: () => TestEngine, source: string, object = 'deal') {
  const keptOf = async (dealId: string | number) =>
    (
      await engine().pool.query<{ outcome: string; event_type: string | null }>(
        `SELECT outcome, event_type FROM source_events WHERE source = $1 AND object_id LIKE $2 ORDER BY occurred_at`,
        [source, `${object}:${dealId}:%`],
      )
    ).rows;
  /** Waits until the intake has started the deal's run from the vendor's event, which it dispatches after answering. */
  const started = (dealId: string | number) =>
    eventually(async () => ((await keptOf(dealId)).some((e) => e.outcome === 'started') ? true : undefined), 'the run started');
  return { keptOf, started };
}

/** The stage `officeflow demo` plays on, as a test engine sets it: its client, settings and intake, silent. */
export const demoStageOf = (engine: TestEngine, more: Partial<DemoStage> = {}): DemoStage => ({
  client: engine.client,
  config: engine.settings,
  intakeUrl: engine.intakeUrl,
  secret: engine.secret,
  say: () => undefined,
  ...more,
});

/** Plays order-to-cash's demo with a salesperson in the vendor's CRM: the run's outcome, and the CRM's deal id. */
export async function demoThrough(engine: TestEngine, salesperson: Salesperson) {
  const orderToCash = engine.registry.find((process) => process.name === 'order-to-cash')!;
  const { workflowId, outcome } = await playDemo(orderToCash, demoStageOf(engine, { salesperson }), { businessKey: uniqueId('DEMO') });
  return { outcome, dealId: workflowId.slice('order-to-cash-'.length) };
}

/** An engine's settings with HubSpot as its CRM, the stand-in's, each milestone moving the deal to a pipeline stage. */
export const hubspotEnv = (hubspot: StandInHubSpot, stages: Record<string, string>): Record<string, string> => ({
  CRM: 'hubspot',
  HUBSPOT_URL: hubspot.url,
  HUBSPOT_ACCESS_TOKEN: hubspot.token,
  HUBSPOT_CLIENT_SECRETS: hubspot.clientSecret,
  HUBSPOT_DEAL_STAGES: Object.entries(stages)
    .map((pair) => pair.join('='))
    .join(','),
});
