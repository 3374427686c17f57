import type { WonDeal } from '../../contracts/order';
import { type LineDiscount, asWonDeal, countryCodeOf, decimal, netUnitPrice } from './won-deal';

/** A CRM object as the SDK returns it: its properties as strings (or null). */
interface HubSpotRecord {
  id: string;
  properties: Record<string, string | null>;
}

/** Which HubSpot properties hold what an order needs (company properties are per portal: configuration). */
export interface DealProperties {
  /** Company properties by what they hold: `street`, `postalCode`, `city`, `country`, `vatId`, `billingEmail`. */
  company: Record<string, string>;
  /** The deal's currency where the deal names none (`deal_currency_code`). */
  currency?: string;
  /** Payment terms where the deal names none (`payment_terms_days`). */
  paymentTermsDays: number;
}

/** The line item properties the order reads: `discount` is HubSpot's "unit discount", an amount off each unit. */
export const LINE_ITEM_PROPERTIES = ['hs_sku', 'quantity', 'price', 'hs_discount_percentage', 'discount', 'name'];

/** A line item's discount: HubSpot keeps a percentage or an amount off each unit, one of them set. */
const discountOf = (item: Record<string, string | null>): LineDiscount | undefined =>
  Number(item.hs_discount_percentage)
    ? { percent: item.hs_discount_percentage! }
    : Number(item.discount)
      ? { offEachUnit: item.discount! }
      : undefined;

/** Every company property the order reads. */
export const companyPropertyNames = (properties: DealProperties) => ['name', ...Object.values(properties.company)];

/**
 * A HubSpot deal as officeflow's won deal: its line items (SKU, quantity, unit price), the associated company as the
 * customer (name, address, VAT ID, billing e-mail from the properties configured, else the first contact's e-mail),
 * the owner as the sales rep (see `asWonDeal` for what does not fit).
 */
export function wonDealOf(
  found: { deal: HubSpotRecord; lineItems: HubSpotRecord[]; company?: HubSpotRecord; contactEmail?: string; ownerEmail?: string },
  properties: DealProperties,
): WonDeal {
  const { deal, lineItems, company } = found;
  const field = (name: string) => (company ? (company.properties[properties.company[name]] ?? undefined) : undefined) || undefined;
  const street = field('street');
  const postalCode = field('postalCode');
  const city = field('city');
  const data = {
    dealId: deal.id,
    customer: company && {
      id: company.id,
      name: company.properties.name ?? undefined,
      billingEmail: field('billingEmail') ?? found.contactEmail,
      country: countryCodeOf(field('country')),
      ...(street || postalCode || city ? { address: { street, postalCode, city } } : {}),
      ...(field('vatId') ? { vatId: field('vatId') } : {}),
    },
    lines: lineItems.map(({ properties: item }) => ({
      sku: item.hs_sku ?? undefined,
      quantity: decimal(item.quantity),
      ...netUnitPrice(item.price, decimal(item.quantity), discountOf(item)),
    })),
    currency: deal.properties.deal_currency_code || properties.currency,
    paymentTermsDays: decimal(deal.properties.payment_terms_days) ?? properties.paymentTermsDays,
    salesRepEmail: found.ownerEmail,
  };
  return asWonDeal('HubSpot', deal.id, data, { won: deal.properties.hs_is_closed_won === 'true' });
}
