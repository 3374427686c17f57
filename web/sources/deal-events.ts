import { ConfigError } from '../../config/error';
import type { FetchingCrm } from '../../contracts/order';

/** What a change of a CRM's deal can mean in officeflow's events, and the data each carries. */
export type DealEvents = Record<string, (dealId: string, value: string) => object>;

/**
 * The events a CRM's deal can mean: won (`crm.deal.won`: vendors send ids, not deals, so the run fetches the deal from
 * that CRM as its first step) or given up (`crm.deal.cancelled`, `how` saying what happened in the CRM's words).
 */
export const dealEvents = (crm: FetchingCrm, how: (value: string) => string): DealEvents => ({
  'crm.deal.won': (dealId) => ({ dealId, crm }),
  'crm.deal.cancelled': (dealId, value) => ({ dealId, reason: how(value) }),
});

/** Every event a CRM's source may send: what its sender's scope allows. */
export const DEAL_EVENT_TYPES = ['crm.deal.won', 'crm.deal.cancelled'];

/**
 * A setting's `value=event type` pairs as a lookup, each event one a deal can mean; else a ConfigError naming the
 * variable (`HUBSPOT_STAGE_EVENTS`) and what its values are (`a HubSpot deal stage`).
 */
export function dealEventsBy(variable: string, what: string, pairs: Array<[string, string]>): Record<string, string> {
  const unknown = pairs.filter(([, type]) => !DEAL_EVENT_TYPES.includes(type));
  if (unknown.length > 0)
    throw new ConfigError(
      `${variable}: ${what} may mean ${DEAL_EVENT_TYPES.join(' or ')}, not ${unknown.map(([, type]) => type).join(', ')}`,
    );
  return Object.fromEntries(pairs);
}
