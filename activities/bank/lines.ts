import { createHash } from 'node:crypto';
import type { BankLineKind } from '../../contracts/bank';
import { type Money, toMinorUnits } from '../../contracts/money';

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

/** A value as text, trimmed, or undefined where there is none. */
export const text = (value: unknown): string | undefined => {
  const found = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
  return found?.trim() || undefined;
};

/** A value, or each of a list of them, as a list. */
export const all = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]);

/** A decimal amount of a currency as Money, positive; a StatementError naming `where` when it is not one. */
export function toMoney(amount: string | undefined, currency: string | undefined, where: string): Money {
  const minor = amount && currency && /^[A-Z]{3}$/.test(currency) ? toMinorUnits(amount, currency) : undefined;
  if (minor === undefined || minor < 0) {
    const [fileName, element] = where.split(': ');
    throw new StatementError(fileName, element, `is not an amount of a currency: ${amount ?? 'none'} ${currency ?? ''}`.trim());
  }
  return { amount: minor, currency: currency! };
}

/** officeflow's key of a booking: the account and the bank's reference of it, hashed to a workflow-id-safe name. */
export const lineKeyOf = (account: string, bookingRef: string) =>
  `BL-${createHash('sha256').update(`${account}|${bookingRef}`).digest('hex').slice(0, 24)}`;

/** The bank's codes for charges: ISO's `CHRG` sub-family, SWIFT's `NCHG` (charges) and `NCOM` (commission). */
const CHARGES = /(^|\/)(CHRG)$|^N?(CHG|COM)$/;
/** Interest, which is the bank's money and no customer's: ISO's `INTR`, SWIFT's `NINT`. */
const INTEREST = /(^|\/)INTR$|^NINT$/;
/** A direct debit returned unpaid: ISO's `UPDD` sub-family, SWIFT's `NRTI` (returned item). */
const RETURNED = /(^|\/)UPDD$|^NRTI$/;

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
  if (!credit) return returned || RETURNED.test(bankCode) ? 'returned-direct-debit' : 'debit';
  return returned || INTEREST.test(bankCode) ? 'other-credit' : 'payment';
}
