import { Pool } from 'pg';
import { ledgerActivities } from '../../activities/back-office/ledger';
import type { JournalEntry } from '../../contracts/ledger';
import { testConfig, uniqueId } from '../support/engine';

const pool = new Pool({ connectionString: testConfig().DATABASE_URL! });
afterAll(() => pool.end());

const { postEntry } = ledgerActivities(pool);

/** An employee's expense claim with these lines, under an entry key of its own. */
const expenseClaim = (lines: JournalEntry['lines']): JournalEntry => ({
  entryKey: `expense-claim/${uniqueId('EC')}`,
  description: 'Travel to the customer workshop',
  currency: 'EUR',
  lines,
});

const booked = async (entryKey: string) => {
  const { rows: entries } = await pool.query('SELECT description FROM journal_entries WHERE entry_key = $1', [entryKey]);
  const { rows: lines } = await pool.query(
    'SELECT account, debit::text, credit::text FROM journal_lines WHERE entry_key = $1 ORDER BY line_no',
    [entryKey],
  );
  return { entries: entries.length, lines };
};

it('books a balanced entry to accounts of the chart by code', async () => {
  const claim = expenseClaim([
    { account: '6300', debit: 23_850 },
    { account: '1600', credit: 23_850 },
  ]);
  expect(await postEntry(claim)).toEqual({ entryKey: claim.entryKey, posted: true });
  expect(await booked(claim.entryKey)).toEqual({
    entries: 1,
    lines: [
      { account: '6300', debit: '238.50', credit: '0.00' },
      { account: '1600', debit: '0.00', credit: '238.50' },
    ],
  });
});

it('refuses an account that is not in the chart, naming it, for good', async () => {
  const claim = expenseClaim([
    { account: '6399', debit: 1_000 },
    { account: '1600', credit: 1_000 },
  ]);
  await expect(postEntry(claim)).rejects.toMatchObject({
    type: 'UnknownAccount',
    nonRetryable: true,
    message: `journal entry ${claim.entryKey}: account 6399 is not in the chart of accounts`,
  });
  expect(await booked(claim.entryKey)).toEqual({ entries: 0, lines: [] });
});

it('refuses an entry that does not balance, with its totals, and books nothing', async () => {
  const claim = expenseClaim([
    { account: '6300', debit: 10_000 },
    { account: '1600', credit: 9_000 },
  ]);
  await expect(postEntry(claim)).rejects.toMatchObject({
    type: 'UnbalancedEntry',
    nonRetryable: true,
    message: `journal entry ${claim.entryKey} does not balance: debits €100.00, credits €90.00`,
  });
  expect(await booked(claim.entryKey)).toEqual({ entries: 0, lines: [] });
});

it('refuses amounts that are not integer minor units', async () => {
  const claim = expenseClaim([
    { account: '6300', debit: 238.5 },
    { account: '1600', credit: 238.5 },
  ]);
  await expect(postEntry(claim)).rejects.toMatchObject({
    type: 'InvalidEntry',
    nonRetryable: true,
    message: expect.stringContaining('debit'),
  });
  expect(await booked(claim.entryKey)).toEqual({ entries: 0, lines: [] });
});

it('books an entry key once, however often it is posted', async () => {
  const claim = expenseClaim([
    { account: '6800', debit: 4_999 },
    { account: '1600', credit: 4_999 },
  ]);
  expect(await postEntry(claim)).toEqual({ entryKey: claim.entryKey, posted: true });
  expect(await postEntry(claim)).toEqual({ entryKey: claim.entryKey, posted: false });
  expect(await booked(claim.entryKey)).toMatchObject({ entries: 1, lines: [{ account: '6800' }, { account: '1600' }] });
});
