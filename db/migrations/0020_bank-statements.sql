-- Up Migration

-- Every bank statement file officeflow was given, kept as it came, a refused one too (with why) for a person to read.
-- The same file given twice is one row: its id is its content's SHA-256.
CREATE TABLE bank_statement_files (
  file_id         text        PRIMARY KEY,
  file_name       text        NOT NULL,
  -- Who gave it: a person's e-mail (upload, CLI) or `folder` (the watched folder).
  received_by     text        NOT NULL,
  received_at     timestamptz NOT NULL DEFAULT now(),
  content         bytea       NOT NULL,
  -- imported, or refused (malformed, not valid against its schema, for an account that is not ours).
  outcome         text        NOT NULL CHECK (outcome IN ('imported', 'refused')),
  reason          text,
  -- The format it declared (`camt.053.001.08`, `mt940`), and the ISO 20022 schema it was checked against, if any.
  format          text,
  checked_against text,
  lines_new       integer     NOT NULL DEFAULT 0,
  lines_known     integer     NOT NULL DEFAULT 0
);

-- Each booking once, however many statements (or overlapping ones) bring it: its key is the account and the bank's
-- reference of the booking.
CREATE TABLE bank_lines (
  line_key           text          PRIMARY KEY,
  bank_reference     text          NOT NULL,
  account            text          NOT NULL,
  statement_id       text          NOT NULL,
  file_id            text          NOT NULL REFERENCES bank_statement_files,
  -- payment (a customer's), debit, reversal, charges, returned-direct-debit, other-credit (interest, a return).
  kind               text          NOT NULL,
  credit             boolean       NOT NULL,
  amount             numeric(14,2) NOT NULL CHECK (amount >= 0),
  currency           char(3)       NOT NULL,
  booked_on          date          NOT NULL,
  value_on           date,
  counterparty_name  text,
  counterparty_iban  text,
  reference          text,
  remittance         text,
  end_to_end_id      text,
  bank_code          text,
  imported_at        timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX bank_lines_by_counterparty ON bank_lines (counterparty_iban) WHERE counterparty_iban IS NOT NULL;

-- What cash application applied each payment to: a line, one or more invoices, once each. The order-to-cash run books
-- each share as a payment (`payments`, keyed by `payment_id`) when it hears of it.
CREATE TABLE payment_allocations (
  -- The statement line (`bank_lines`), or the key a sender gave a payment it reported itself.
  line_key        text          NOT NULL,
  invoice_number  text          NOT NULL REFERENCES invoices,
  payment_id      text          NOT NULL UNIQUE,
  amount          numeric(14,2) NOT NULL CHECK (amount > 0),
  currency        char(3)       NOT NULL,
  confidence      numeric(3,2)  NOT NULL,
  reason          text          NOT NULL,
  -- officeflow (applied by itself) or the person in Finance who chose.
  applied_by      text          NOT NULL,
  applied_at      timestamptz   NOT NULL DEFAULT now(),
  PRIMARY KEY (line_key, invoice_number)
);
CREATE INDEX payment_allocations_by_invoice ON payment_allocations (invoice_number);
-- What an invoice still owes is read often now, per invoice.
CREATE INDEX payments_by_invoice ON payments (invoice_number);
CREATE INDEX credit_notes_by_invoice ON credit_notes (invoice_number);

-- What each invoice still owes, as cash application sees it: its total, less its credit notes, the payments booked
-- and the shares of payments applied that its run has not booked yet.
CREATE VIEW invoice_balances AS
SELECT i.invoice_number, i.currency, i.customer_number, i.order_number, i.payment_reference,
       greatest(i.gross_total
                - (SELECT coalesce(sum(c.gross_total), 0) FROM credit_notes c WHERE c.invoice_number = i.invoice_number)
                - (SELECT coalesce(sum(p.amount), 0) FROM payments p WHERE p.invoice_number = i.invoice_number)
                - (SELECT coalesce(sum(a.amount), 0) FROM payment_allocations a
                    WHERE a.invoice_number = i.invoice_number
                      AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.payment_id = a.payment_id)), 0) AS outstanding
  FROM invoices i;

-- A task may offer choices (the invoices a payment may settle); a decision names those chosen.
ALTER TABLE human_tasks ADD COLUMN choices jsonb, ADD COLUMN chosen text[];

-- Down Migration
ALTER TABLE human_tasks DROP COLUMN choices, DROP COLUMN chosen;
DROP VIEW invoice_balances;
DROP INDEX credit_notes_by_invoice;
DROP INDEX payments_by_invoice;
DROP TABLE payment_allocations;
DROP TABLE bank_lines;
DROP TABLE bank_statement_files;
