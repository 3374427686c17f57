import { ApplicationFailure } from '@temporalio/common';
import { DEAL_INCOMPLETE, DealClosedWon, type WonDeal } from '../../contracts/order';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
const codeByName = new Map(
  Array.from({ length: 26 * 26 }, (_, i) => String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26)))
    .map((code) => [regionNames.of(code)?.toLowerCase(), code] as const)
    .filter(([name, code]) => name && name.toLowerCase() !== code.toLowerCase()),
);

/** A CRM's country is often free text: a two-letter code as it is, a country's English name as its code. */
export const countryCodeOf = (value: string | null | undefined) =>
  !value
    ? undefined
    : /^[a-z]{2}$/i.test(value.trim())
      ? value.trim().toUpperCase()
      : (codeByName.get(value.trim().toLowerCase()) ?? value);

/** A number a CRM keeps as text (`"2"`, `"50.00"`), or undefined where it keeps none. */
export const decimal = (value: string | number | null | undefined) =>
  value === null || value === undefined || value === '' ? undefined : Number(value);

/** A line's discount as a CRM keeps it: a percentage, an amount off each unit, or an amount off the whole line. */
export type LineDiscount = { percent: string | number } | { offEachUnit: string | number } | { offLine: string | number };

type Ratio = [numerator: bigint, denominator: bigint];

const ratioOf = (value: string | number): Ratio | undefined => {
  const match = /^(-?\d+)(?:\.(\d+))?$/.exec(String(value).trim());
  return match ? [BigInt(match[1] + (match[2] ?? '')), 10n ** BigInt(match[2]?.length ?? 0)] : undefined;
};

/** An exact ratio as a decimal string, cut after 12 decimals where it does not end (refused as too fine anyway). */
const decimalOf = ([numerator, denominator]: Ratio) => {
  const sign = numerator < 0n ? '-' : '';
  const magnitude = numerator < 0n ? -numerator : numerator;
  const fraction = String(((magnitude % denominator) * 10n ** 12n) / denominator)
    .padStart(12, '0')
    .replace(/0+$/, '');
  return `${sign}${magnitude / denominator}${fraction ? `.${fraction}` : ''}`;
};

/**
 * The unit price a line is invoiced at: the CRM's price less its discount, in exact decimals, and what the discount
 * was, for the note to Sales. officeflow invoices net unit prices and never rounds a customer's price: a net price
 * finer than the currency's cents is refused by `asWonDeal`, naming the line and its discount.
 */
export function netUnitPrice(
  price: string | number | null | undefined,
  quantity: number | undefined,
  discount: LineDiscount | undefined,
): { unitPrice?: string | number; discount?: string } {
  if (price === null || price === undefined || price === '') return {};
  const [value, amount] = discount ? Object.entries(discount)[0] : [];
  const off = amount === undefined ? undefined : ratioOf(amount);
  const gross = ratioOf(price);
  if (!gross || !off || off[0] === 0n) return { unitPrice: price };
  const [p, scale] = gross;
  const [d, unit] = off;
  const q = BigInt(quantity && Number.isInteger(quantity) && quantity > 0 ? quantity : 1);
  const net: Ratio =
    value === 'percent'
      ? [p * (100n * unit - d), scale * unit * 100n]
      : value === 'offEachUnit'
        ? [p * unit - d * scale, scale * unit]
        : [p * q * unit - d * scale, scale * unit * q];
  const label = value === 'percent' ? `${amount}% off` : value === 'offEachUnit' ? `${amount} off each unit` : `${amount} off the line`;
  return { unitPrice: decimalOf(net), discount: `${label} ${price}` };
}

/**
 * What a CRM holds about a won deal, as officeflow's won deal (`crm.deal.closed_won`'s data, checked the same way):
 * what does not fit fails for good as `DealIncomplete`, naming each field, for the run to tell Sales. `problems` are
 * what the connector found that the data cannot show (a price that includes tax).
 */
export function asWonDeal(
  crm: string,
  dealId: string,
  data: Record<string, unknown> & { lines?: Array<{ discount?: string }> },
  { won, problems = [] }: { won: boolean; problems?: string[] },
): WonDeal {
  const parsed = DealClosedWon.safeParse(data);
  // A webhook is no proof: the deal itself must be won (a forged or outdated event names one that is not).
  if (parsed.success && won && problems.length === 0) return parsed.data;
  const discounted = (path: PropertyKey[]) =>
    path[0] === 'lines' && path[2] === 'unitPrice' ? data.lines?.[Number(path[1])]?.discount : undefined;
  const missing = [
    ...(won ? [] : [`deal: not won in ${crm}`]),
    ...problems,
    ...(parsed.success ? [] : parsed.error.issues).map((issue) => {
      const why = /received undefined/.test(issue.message) ? 'missing' : issue.message;
      const discount = discounted(issue.path);
      return `${issue.path.join('.') || 'deal'}: ${why}${discount ? ` (the price after ${discount})` : ''}`;
    }),
  ];
  throw ApplicationFailure.nonRetryable(`${crm} deal ${dealId}: ${missing.join('; ')}`, DEAL_INCOMPLETE, { fields: missing });
}
