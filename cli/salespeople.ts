import type { Config } from '../config';

/**
 * A salesperson in a vendor's CRM, played by the demo against the vendor's stand-in: opens deals and wins them, as
 * they would in the CRM's own pages; the CRM's webhook then tells officeflow.
 */
export interface Salesperson {
  /** The CRM, as the demo names it. */
  crm: string;
  /** Opens a deal (a contract's opportunity): its id in the CRM. */
  open(name: string): Promise<string>;
  /** Makes a deal as the catalog's example describes it and wins it: its id in the CRM. */
  win(deal: ExampleDeal): Promise<string>;
}

/** A won deal as the catalog's example sends it: what a salesperson would have entered in the CRM. */
export interface ExampleDeal {
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

/** POSTs to a stand-in's pages for people: the object made or moved. */
async function post(standInUrl: string, path: string, body: object): Promise<{ id: string }> {
  const response = await fetch(new URL(path, standInUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`the CRM stand-in answered ${response.status} to ${path}`);
  return (await response.json()) as { id: string };
}

/** A salesperson in HubSpot: a deal with line items, company, contact and owner, moved to closed-won. */
export const inHubSpot = (url: string): Salesperson => ({
  crm: 'HubSpot',
  open: async (dealname) => String((await post(url, '/standin/deals', { properties: { dealname, dealstage: 'contractsent' } })).id),
  async win({ customer, lines, currency, salesRepEmail }) {
    const { id } = await post(url, '/standin/deals', {
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
    await post(url, `/standin/deals/${id}/stage`, { dealstage: 'closedwon' });
    return String(id);
  },
});

/** A salesperson in Pipedrive: a deal with products, organization, person and owner, marked won. */
export const inPipedrive = (url: string): Salesperson => ({
  crm: 'Pipedrive',
  open: async (title) => String((await post(url, '/standin/deals', { title })).id),
  async win({ customer, lines, currency, salesRepEmail }) {
    const { id } = await post(url, '/standin/deals', {
      title: `Order for ${customer.name}`,
      currency,
      products: lines.map(({ sku, quantity, unitPrice }) => ({ code: sku, name: sku, quantity, item_price: unitPrice })),
      organization: {
        name: customer.name,
        address: {
          country: customer.country,
          ...(customer.address
            ? { route: customer.address.street, postal_code: customer.address.postalCode, locality: customer.address.city }
            : {}),
        },
      },
      person: { name: customer.name, email: customer.billingEmail },
      owner: { email: salesRepEmail },
    });
    await post(url, `/standin/deals/${id}/status`, { status: 'won' });
    return String(id);
  },
});

/** A salesperson in Salesforce: an Opportunity with line items, an Account and an owner, moved to Closed Won. */
export const inSalesforce = (url: string): Salesperson => ({
  crm: 'Salesforce',
  open: async (Name) => String((await post(url, '/standin/opportunities', { Name })).id),
  async win({ customer, lines, currency, salesRepEmail }) {
    const { id } = await post(url, '/standin/opportunities', {
      Name: `Order for ${customer.name}`,
      CurrencyIsoCode: currency,
      lineItems: lines.map(({ sku, quantity, unitPrice }) => ({ ProductCode: sku, Quantity: quantity, UnitPrice: unitPrice })),
      account: {
        Name: customer.name,
        BillingCountryCode: customer.country,
        Billing_Email__c: customer.billingEmail,
        ...(customer.address
          ? { BillingStreet: customer.address.street, BillingPostalCode: customer.address.postalCode, BillingCity: customer.address.city }
          : {}),
      },
      owner: { Email: salesRepEmail },
    });
    await post(url, `/standin/opportunities/${id}/stage`, { StageName: 'Closed Won' });
    return String(id);
  },
});

/** The salesperson of the CRM stand-in the local engine runs (`CRM=hubspot|pipedrive|salesforce npm start`), if any. */
export async function localSalesperson(config: Config): Promise<Salesperson | undefined> {
  const url = `http://127.0.0.1:${config.CRM_STANDIN_PORT}`;
  const answers = async (path: string) => (await fetch(new URL(path, url)).catch(() => undefined))?.ok === true;
  if (await answers('/standin/app')) return inHubSpot(url);
  if (await answers('/standin/webhook')) return inPipedrive(url);
  if (await answers('/standin/outbound')) return inSalesforce(url);
  return undefined;
}
