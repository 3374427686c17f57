import type { PoolClient } from 'pg';
import { toDecimal } from '../../contracts/money';

/** The chart of accounts officeflow posts to. */
export const ACCOUNTS = {
  bank: '1000 Bank',
  receivables: '1200 Receivables',
  vatPayable: '2200 VAT payable',
  customerCredits: '2400 Customer credits',
  revenue: '4000 Revenue',
} as const;

export interface JournalLine {
  account: string;
  /** Minor units of the entry's currency. */
  debit?: number;
  credit?: number;
}

/**
 * Posts a double-entry journal entry inside the caller's transaction, once per `entryKey`. PostgreSQL refuses
 * the commit if the entry does not balance (see the journal_entries_balance trigger).
 */
export async function postJournalEntry(
  db: PoolClient,
  entry: { entryKey: string; description: string; currency: string; lines: JournalLine[] },
): Promise<void> {
  const inserted = await db.query(
    `INSERT INTO journal_entries (entry_key, description, currency) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
    [entry.entryKey, entry.description, entry.currency],
  );
  if (inserted.rowCount === 0) return;
  const decimal = (amount = 0) => toDecimal({ amount, currency: entry.currency });
  const lines = entry.lines.filter((line) => (line.debit ?? 0) > 0 || (line.credit ?? 0) > 0);
  for (const [index, line] of lines.entries()) {
    await db.query(`INSERT INTO journal_lines (entry_key, line_no, account, debit, credit) VALUES ($1, $2, $3, $4, $5)`, [
      entry.entryKey,
      index + 1,
      line.account,
      decimal(line.debit),
      decimal(line.credit),
    ]);
  }
}
