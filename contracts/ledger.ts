import { z } from 'zod';
import { currencyCode, plainText } from './fields';
import { Money } from './money';

const amount = Money.shape.amount.nonnegative();

/** A line of a journal entry: an account of the chart by its code (`'6300'`), debited or credited in minor units. */
export const JournalLine = z
  .object({ account: z.string().min(1).max(20), debit: amount.optional(), credit: amount.optional() })
  .refine((line) => !(line.debit && line.credit), 'a line is a debit or a credit, not both');
export type JournalLine = z.infer<typeof JournalLine>;

/**
 * A double-entry booking a workflow asks for (an expense claim: debit 6300 Travel expenses, credit 1600 Employee
 * payables), booked once per `entryKey`; its debits and credits must balance.
 */
export const JournalEntry = z.object({
  entryKey: plainText(200).min(1),
  description: plainText(500).min(1),
  currency: currencyCode,
  lines: z.array(JournalLine).min(2, 'an entry needs a debit and a credit').max(100),
});
export type JournalEntry = z.infer<typeof JournalEntry>;

export interface PostedEntry {
  entryKey: string;
  /** False when the entry key was booked already: the books hold that earlier entry. */
  posted: boolean;
}
