import { z } from 'zod';
import { currencyCode } from './fields';

/**
 * Money as officeflow keeps it from the intake inward: an integer count of the currency's minor units (cents for
 * EUR, yen for JPY) with its currency, so sums and comparisons are exact. Decimals appear only where a person
 * reads an amount, and in PostgreSQL's `numeric` columns.
 */
export const Money = z.object({
  /** Minor units: 2563.26 EUR is 256326. */
  amount: z.number().int().safe(),
  currency: currencyCode,
});
export type Money = z.infer<typeof Money>;

/** Digits after the decimal point in a currency (2 for EUR, 0 for JPY, 3 for BHD), as ISO 4217 sets them. */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** The most decimals officeflow's books (`numeric(14,2)` columns) keep. */
export const BOOKED_DIGITS = 2;

const DECIMAL = /^(-?)(\d{1,15})(?:\.(\d+))?$/;

/**
 * A decimal amount as a person or a front-office system writes it (`2563.26`, `"2563.26"`, `"1500.00"` for JPY)
 * in minor units, converted through its digits, never through floating-point arithmetic. Undefined when it is not
 * a plain decimal or has more (non-zero) decimals than the currency.
 */
export function toMinorUnits(decimal: number | string, currency: string): number | undefined {
  const match = DECIMAL.exec(typeof decimal === 'number' ? String(decimal) : decimal.trim());
  if (!match) return undefined;
  const [, sign, whole, fraction = ''] = match;
  const digits = minorDigits(currency);
  if (/[1-9]/.test(fraction.slice(digits))) return undefined;
  const minor = Number(whole + fraction.slice(0, digits).padEnd(digits, '0'));
  return sign ? -minor : minor;
}

/** The amount as a plain decimal string (`"2563.26"`), for `numeric` columns and documents. */
export function toDecimal({ amount, currency }: Money): string {
  const digits = minorDigits(currency);
  const units = String(Math.abs(amount)).padStart(digits + 1, '0');
  const decimal = digits ? `${units.slice(0, -digits)}.${units.slice(-digits)}` : units;
  return amount < 0 ? `-${decimal}` : decimal;
}

/** Money from a decimal a database or a person gave; throws when it does not fit the currency. */
export function money(decimal: number | string, currency: string): Money {
  const amount = toMinorUnits(decimal, currency);
  if (amount === undefined) throw new RangeError(`${decimal} is not an amount of ${currency}`);
  return { amount, currency };
}

/** As a person reads it: `€2,563.26`, or `2.563,26 €` for locale `de`. */
export function formatMoney(value: Money, locale = 'en'): string {
  // A decimal string is formatted exactly (Intl.NumberFormat v3), without passing through a float.
  return new Intl.NumberFormat(locale, { style: 'currency', currency: value.currency }).format(toDecimal(value) as unknown as number);
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new RangeError(`cannot combine ${a.currency} and ${b.currency}`);
}

export const zero = (currency: string): Money => ({ amount: 0, currency });

export function add(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { amount: a.amount + b.amount, currency: a.currency };
}

export const times = (value: Money, quantity: number): Money => ({ amount: value.amount * quantity, currency: value.currency });

export const sum = (values: Money[], currency: string): Money => values.reduce(add, zero(currency));

/**
 * `value × rate`, rounded half away from zero to the minor unit, with the rate as an exact decimal string
 * (`"0.19"`, as PostgreSQL's numeric gives it): VAT on a net amount.
 */
export function applyRate(value: Money, rate: string): Money {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(rate.trim());
  if (!match) throw new RangeError(`${rate} is not a rate`);
  const scale = 10n ** BigInt(match[2]?.length ?? 0);
  const product = BigInt(value.amount) * BigInt(match[1] + (match[2] ?? ''));
  const magnitude = (2n * (product < 0n ? -product : product) + scale) / (2n * scale);
  return { amount: Number(product < 0n ? -magnitude : magnitude), currency: value.currency };
}

/**
 * A decimal amount at the intake: a JSON number or string with at most the currency's decimals (and at most two,
 * as officeflow books them). The object schema holding it converts it with `inMinorUnits`.
 */
export const decimalAmount = z.union([z.number().finite(), z.string().regex(DECIMAL, 'must be a decimal number such as 2563.26')]);

/**
 * Converts decimal amounts at `paths` of parsed event data into Money of `currency`, adding a field error for any
 * with more decimals than the currency has. For an object schema's `.transform()`.
 */
export function inMinorUnits(
  value: number | string,
  currency: string,
  ctx: z.core.$RefinementCtx,
  path: PropertyKey[],
  { positive = true } = {},
): Money {
  const amount = toMinorUnits(value, currency);
  if (minorDigits(currency) > BOOKED_DIGITS) {
    ctx.addIssue({
      code: 'custom',
      path: ['currency'],
      message: `amounts in ${currency} have ${minorDigits(currency)} decimals; officeflow books at most ${BOOKED_DIGITS}`,
    });
  } else if (amount === undefined) {
    ctx.addIssue({ code: 'custom', path, message: `must be a decimal with at most ${minorDigits(currency)} decimals for ${currency}` });
  } else if (positive && amount <= 0) {
    ctx.addIssue({ code: 'custom', path, message: 'must be greater than 0' });
  } else if (Math.abs(amount) > 1e14) {
    ctx.addIssue({ code: 'custom', path, message: 'is too large' });
  }
  return { amount: amount ?? 0, currency };
}

/**
 * Reads an amount that may have been recorded before officeflow kept money in minor units: runs started then
 * carry decimal numbers in their history (inputs, signals, activity results), and replay them through this code.
 */
export const moneyFrom = (value: Money | number, currency: string): Money => (typeof value === 'number' ? money(value, currency) : value);
