import type { Config } from '../config';
import type { Verdict } from '../contracts/human-tasks';
import { tokenFor } from './tasks';

/**
 * The people a run waits on, played by a program (the demo, the burst, the chaos run): an approver deciding a task
 * through the task API, signed in as the assignee; a customer signing on the e-signature service's page.
 */

/** Decides a run's task as its assignee; answers the task API's status (409 when it was decided already). */
export async function decideAs(
  config: Config,
  intakeUrl: string,
  task: { workflowId: string; task: string; assignee: string },
  decision: Verdict,
  comment: string,
): Promise<number> {
  const response = await fetch(new URL(`/tasks/${encodeURIComponent(`${task.workflowId}:${task.task}`)}/decision`, intakeUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor(config, { as: task.assignee })}` },
    body: JSON.stringify({ decision, comment }),
  });
  return response.status;
}

/**
 * Signs, as the customer, the envelope the e-signature service holds for the run's contract, when one waits for a
 * signature; signing again redelivers the completion event. Undefined when none waits.
 */
export async function signAsCustomer(esignUrl: string, workflowId: string): Promise<{ envelopeId: string; status: number } | undefined> {
  const envelopes = (await (await fetch(new URL('/envelopes', esignUrl))).json()) as Array<{ envelopeId: string; contractId: string }>;
  // The newest envelope of the contract: a revised contract is signed in its latest version.
  const envelope = envelopes.filter((e) => workflowId.endsWith(`-${e.contractId}`)).pop();
  if (!envelope) return undefined;
  const signed = await fetch(new URL(`/sign/${envelope.envelopeId}`, esignUrl), { method: 'POST' });
  return { envelopeId: envelope.envelopeId, status: signed.status };
}

/** Where the e-signature service is: configured, or the local stand-in. */
export const esignUrl = (config: Config): string => config.ESIGN_URL ?? `http://127.0.0.1:${config.ESIGN_STANDIN_PORT}`;

/** A won deal as the catalog's example sends it: what a salesperson would have entered in HubSpot. */
interface ExampleDeal {
  customer: {
    name: string;
    billingEmail: string;
    country: string;
    address?: { street: string; postalCode: string; city: string };
    vatId?: string;
  };
  lines: Array<{ sku: string; quantity: number; unitPrice: number }>;
  currency: string;
  salesRepEmail: string;
}

/** POSTs to the HubSpot stand-in's pages for people: the object made or moved. */
async function toHubSpot(hubspotUrl: string, path: string, body: object): Promise<{ id: string }> {
  const response = await fetch(new URL(path, hubspotUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`the HubSpot stand-in answered ${response.status} to ${path}`);
  return (await response.json()) as { id: string };
}

/** Plays a salesperson in the HubSpot stand-in opening a deal (a contract's opportunity): the HubSpot deal's id. */
export async function openDealInHubSpot(hubspotUrl: string, dealname: string): Promise<string> {
  return (await toHubSpot(hubspotUrl, '/standin/deals', { properties: { dealname, dealstage: 'contractsent' } })).id;
}

/**
 * Plays a salesperson in the HubSpot stand-in: makes the deal (its line items, company, contact and owner) and moves it
 * to closed-won, which sends HubSpot's webhook to officeflow. The HubSpot deal's id.
 */
export async function winInHubSpot(hubspotUrl: string, { customer, lines, currency, salesRepEmail }: ExampleDeal): Promise<string> {
  const { id } = await toHubSpot(hubspotUrl, '/standin/deals', {
    properties: { dealname: `Order for ${customer.name}`, dealstage: 'contractsent', deal_currency_code: currency },
    lineItems: lines.map(({ sku, quantity, unitPrice }) => ({
      hs_sku: sku,
      quantity: String(quantity),
      price: String(unitPrice),
      name: sku,
    })),
    company: {
      name: customer.name,
      country: customer.country,
      billing_email: customer.billingEmail,
      ...(customer.address ? { address: customer.address.street, zip: customer.address.postalCode, city: customer.address.city } : {}),
      ...(customer.vatId ? { vat_number: customer.vatId } : {}),
    },
    contact: { email: customer.billingEmail },
    owner: { email: salesRepEmail },
  });
  await toHubSpot(hubspotUrl, `/standin/deals/${id}/stage`, { dealstage: 'closedwon' });
  return id;
}

/** The HubSpot stand-in the local engine runs (`CRM=hubspot npm start`), if it runs one. */
export async function localHubSpot(config: Config): Promise<string | undefined> {
  const url = `http://127.0.0.1:${config.CRM_STANDIN_PORT}`;
  const app = await fetch(new URL('/standin/app', url)).catch(() => undefined);
  return app?.ok ? url : undefined;
}
