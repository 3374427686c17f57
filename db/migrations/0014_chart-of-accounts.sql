-- Up Migration

-- The chart of accounts as data: a process owner adds an account here, not in engine code. Engine code finds the
-- accounts it books to by their role, so an account may be renumbered without touching it.
CREATE TABLE ledger_accounts (
  code  text PRIMARY KEY,
  name  text NOT NULL,
  kind  text NOT NULL CHECK (kind IN ('asset', 'liability', 'equity', 'revenue', 'expense')),
  role  text UNIQUE
);
INSERT INTO ledger_accounts (code, name, kind, role) VALUES
  ('1000', 'Bank', 'asset', 'bank'),
  ('1200', 'Receivables', 'asset', 'receivables'),
  ('1400', 'Input VAT', 'asset', NULL),
  ('1600', 'Employee payables', 'liability', NULL),
  ('2200', 'VAT payable', 'liability', 'vatPayable'),
  ('2400', 'Customer credits', 'liability', 'customerCredits'),
  ('4000', 'Revenue', 'revenue', 'revenue'),
  ('6000', 'Salaries', 'expense', NULL),
  ('6300', 'Travel expenses', 'expense', NULL),
  ('6800', 'Office supplies', 'expense', NULL);

-- Lines booked so far name their account as code and name ('1200 Receivables'): they keep the code only.
UPDATE journal_lines l SET account = a.code FROM ledger_accounts a WHERE l.account = a.code || ' ' || a.name;
-- The update queued a balance check per line; PostgreSQL alters no table with checks pending, so they run now.
SET CONSTRAINTS journal_entries_balance IMMEDIATE;
ALTER TABLE journal_lines ADD CONSTRAINT journal_lines_account_fkey FOREIGN KEY (account) REFERENCES ledger_accounts (code);
SET CONSTRAINTS journal_entries_balance DEFERRED;

-- Down Migration
ALTER TABLE journal_lines DROP CONSTRAINT journal_lines_account_fkey;
UPDATE journal_lines l SET account = a.code || ' ' || a.name FROM ledger_accounts a WHERE l.account = a.code;
DROP TABLE ledger_accounts;
