import { createHash } from 'node:crypto';
import type { BankLineKind } from '../../contracts/bank';
import { BOOKED_DIGITS, type Money, minorDigits, toMinorUnits } from '../../contracts/money';

/** What every statement format shares: how a line is named, what kind it is, its amounts and its errors. */

/** A statement that cannot be read: the file, the element (or tag) at fault, and why. Nothing of it is booked. */
export class StatementError extends Error {
  constructor(
    readonly fileName: string,
    readonly element: string,
    reason: string,
  ) {
    super(`${fileName}: ${element} ${reason}`);
  }
}

/** A value as text, trimmed, its control characters (a NUL, line breaks) as spaces, or undefined where there is none. */
export const text = (value: unknown): string | undefined => {
  const found = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
  return found?.replace(/\p{Cc}+/gu, ' ').trim() || undefined;
};

/** A reference a bank really gave: not its placeholders for none (`NOTPROVIDED`, `NONREF`). */
export const genuine = (reference: string | undefined) =>
  reference && !/^(NOTPROVIDED|NONREF|NONE)$/i.test(reference) ? reference : undefined;

/** An account number as compared: an IBAN without its spaces, in capitals. */
export const normalizeAccount = (account: string) => account.replace(/\s/g, '').toUpperCase();

/** A value, or each of a list of them, as a list. */
export const all = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]);

/**
 * A booked amount as Money, positive: a decimal of a currency officeflow books (at most two decimals, as its books'
 * `numeric(14,2)` columns keep) and at most twelve digits before the point; else a StatementError naming the element.
 */
export function toMoney(amount: string | undefined, currency: string | undefined, fileName: string, element: string): Money {
  const books = currency && /^[A-Z]{3}$/.test(currency) && minorDigits(currency) <= BOOKED_DIGITS;
  const minor = books && amount && /^\d{1,12}(\.\d+)?$/.test(amount) ? toMinorUnits(amount, currency) : undefined;
  if (minor === undefined)
    throw new StatementError(fileName, element, `is not an amount officeflow books: ${amount ?? 'none'} ${currency ?? ''}`.trim());
  return { amount: minor, currency: currency! };
}

/** A calendar date (`2026-12-06`) that exists, or a StatementError naming the element. */
export function toDay(day: string | undefined, fileName: string, element: string): string {
  const date = day && /^\d{4}-\d{2}-\d{2}$/.test(day) ? new Date(`${day}T00:00:00Z`) : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== day)
    throw new StatementError(fileName, element, `is not a date: ${day ?? 'none'}`);
  return day;
}

/**
 * officeflow's key of a booking, hashed to a workflow-id-safe name: our account and the bank's own reference of it,
 * which names it in any statement; without one, the statement and its place there, with its day, direction and amount.
 */
export const lineKeyOf = (account: string, booking: string) =>
  `BL-${createHash('sha256').update(`${account}|${booking}`).digest('hex').slice(0, 24)}`;

/** A booking without a reference of the bank's, as its statement places it. */
export const placedBooking = (statementId: string, place: string, line: { bookedOn: string; credit: boolean; amount: Money }) =>
  `${statementId}|${place}|${line.bookedOn}|${line.credit ? 'C' : 'D'}${line.amount.amount}${line.amount.currency}`;

/** The bank's codes for charges: ISO's `CHRG` sub-family, SWIFT's `NCHG` (charges) and `NCOM` (commission). */
const CHARGES = /(^|\/)(CHRG)$|^N?(CHG|COM)$/;
/** Interest, which is the bank's money and no customer's: ISO's `INTR`, SWIFT's `NINT`. */
const INTEREST = /(^|\/)INTR$|^NINT$/;
/** A payment returned: ISO's `UPDD` (an unpaid direct debit) and `RRTN` (a returned transfer), SWIFT's `NRTI`. */
const RETURNED = /(^|\/)(UPDD|RRTN)$|^NRTI$/;

/** What a line is (see `BankLineKind`), from its direction, reversal mark and the bank's transaction code. */
export function kindOf({
  credit,
  reversal,
  bankCode = '',
  returned = false,
}: {
  credit: boolean;
  reversal: boolean;
  bankCode?: string;
  returned?: boolean;
}): BankLineKind {
  if (reversal) return 'reversal';
  if (CHARGES.test(bankCode)) return 'charges';
  const returnedItem = returned || RETURNED.test(bankCode);
  if (!credit) return returnedItem ? 'returned-direct-debit' : 'debit';
  // A transfer of ours that came back, or interest: money on the account that no customer paid.
  return returnedItem || INTEREST.test(bankCode) ? 'other-credit' : 'payment';
}
