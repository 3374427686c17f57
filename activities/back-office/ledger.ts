import { ApplicationFailure } from '@temporalio/common';
import type { Pool, PoolClient } from 'pg';
import { z } from 'zod';
import { JournalEntry, type JournalLine, type PostedEntry } from '../../contracts/ledger';
import { formatMoney, toDecimal } from '../../contracts/money';
import { inTransaction } from '../../db/transaction';

/** The roles of the accounts engine code books to (ledger_accounts.role): the chart says which account plays each. */
export type AccountRole = 'bank' | 'receivables' | 'vatPayable' | 'customerCredits' | 'revenue';

/** A line to an account by its code (`{ account: '6300' }`) or by its role in the chart (`{ role: 'receivables' }`). */
export type EntryLine = JournalLine | (Omit<JournalLine, 'account'> & { role: AccountRole });

/** The chart's code of each line's account; a line naming no account of the chart fails the entry, for good. */
async function accountCodes(db: PoolClient, entryKey: string, lines: EntryLine[]): Promise<string[]> {
  const { rows } = await db.query<{ code: string; role: string | null }>(
    'SELECT code, role FROM ledger_accounts WHERE code = ANY($1) OR role = ANY($2)',
    [lines.flatMap((line) => ('account' in line ? [line.account] : [])), lines.flatMap((line) => ('role' in line ? [line.role] : []))],
  );
  return lines.map((line) => {
    const account = rows.find((row) => ('account' in line ? row.code === line.account : row.role === line.role));
    if (account) return account.code;
    throw ApplicationFailure.nonRetryable(
      'account' in line
        ? `journal entry ${entryKey}: account ${line.account} is not in the chart of accounts`
        : `journal entry ${entryKey}: no account in the chart of accounts has the role ${line.role}`,
      'UnknownAccount',
    );
  });
}

/**
 * Posts a double-entry journal entry inside the caller's transaction, once per `entryKey`; false when that key was
 * booked already. An entry that does not balance is refused here, with its totals; the journal_entries_balance
 * trigger stays the last line of defence.
 */
export async function postEntry(db: PoolClient, entry: Omit<JournalEntry, 'lines'> & { lines: EntryLine[] }): Promise<boolean> {
  const lines = entry.lines.filter((line) => (line.debit ?? 0) > 0 || (line.credit ?? 0) > 0);
  const total = (side: 'debit' | 'credit') => ({
    amount: lines.reduce((sum, line) => sum + (line[side] ?? 0), 0),
    currency: entry.currency,
  });
  const [debits, credits] = [total('debit'), total('credit')];
  if (debits.amount !== credits.amount) {
    throw ApplicationFailure.nonRetryable(
      `journal entry ${entry.entryKey} does not balance: debits ${formatMoney(debits)}, credits ${formatMoney(credits)}`,
      'UnbalancedEntry',
    );
  }
  const codes = await accountCodes(db, entry.entryKey, lines);
  const inserted = await db.query(
    `INSERT INTO journal_entries (entry_key, description, currency) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
    [entry.entryKey, entry.description, entry.currency],
  );
  if (inserted.rowCount === 0) return false;
  const decimal = (amount = 0) => toDecimal({ amount, currency: entry.currency });
  for (const [index, line] of lines.entries()) {
    await db.query(`INSERT INTO journal_lines (entry_key, line_no, account, debit, credit) VALUES ($1, $2, $3, $4, $5)`, [
      entry.entryKey,
      index + 1,
      codes[index],
      decimal(line.debit),
      decimal(line.credit),
    ]);
  }
  return true;
}

/** The ledger as a step of its own: a booking a process needs that no other activity makes (an expense claim). */
export function ledgerActivities(pool: Pool) {
  return {
    /** Books a balanced entry to accounts of the chart by code, in its own transaction, once per entry key. */
    async postEntry(entry: JournalEntry): Promise<PostedEntry> {
      const checked = JournalEntry.safeParse(entry);
      if (!checked.success) {
        throw ApplicationFailure.nonRetryable(`journal entry ${entry.entryKey}: ${z.prettifyError(checked.error)}`, 'InvalidEntry');
      }
      return { entryKey: entry.entryKey, posted: await inTransaction(pool, (db) => postEntry(db, checked.data)) };
    },
  };
}
