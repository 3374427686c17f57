-- Up Migration

-- Refund payment runs: what officeflow owes customers back (credit notes on paid invoices, over-payments) leaves as
-- SEPA credit transfers, one pain.001 file per run, released to the bank only once a second person in Finance approved.
CREATE TABLE payment_runs (
  run_id           text          PRIMARY KEY,
  requested_by     text          NOT NULL,
  -- awaiting-approval, released (the file handed to the bank), or rejected (the file never sent; its refunds free).
  status           text          NOT NULL CHECK (status IN ('awaiting-approval', 'released', 'rejected')),
  document_key     text,
  -- When the file was put where the bank's software takes it: once, ever.
  handed_over_at   timestamptz,
  transfers        integer       NOT NULL,
  total            numeric(14,2) NOT NULL,
  currency         char(3)       NOT NULL,
  -- The ISO 20022 schema the file was checked against, where one is installed.
  checked_against  text,
  decided_by       text,
  decided_at       timestamptz,
  reason           text,
  created_at       timestamptz   NOT NULL DEFAULT now()
);

-- Money paid back to a customer against an invoice: a transfer of a payment run (until its run is rejected) or a card
-- refund made at the payment provider. What an invoice may still refund is what it was paid beyond what it owes, less
-- these.
CREATE TABLE refunds (
  refund_key        text          PRIMARY KEY,
  invoice_number    text          NOT NULL REFERENCES invoices,
  customer_number   text          NOT NULL REFERENCES customers,
  amount            numeric(14,2) NOT NULL CHECK (amount > 0),
  currency          char(3)       NOT NULL,
  channel           text          NOT NULL CHECK (channel IN ('sepa', 'card')),
  payment_run       text          REFERENCES payment_runs,
  -- The card charge refunded (channel card).
  charge_id         text,
  creditor_name     text,
  creditor_iban     text,
  -- Set when its payment run was rejected: the refund is owed again, for a later run.
  withdrawn_at      timestamptz,
  created_at        timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX refunds_by_invoice ON refunds (invoice_number) WHERE withdrawn_at IS NULL;
CREATE INDEX refunds_by_run ON refunds (payment_run);
CREATE INDEX refunds_by_charge ON refunds (charge_id) WHERE charge_id IS NOT NULL;

-- An invoice's balance now counts what was refunded: money paid back is owed again, unless it was paid beyond what was
-- owed (a credit note, an over-payment).
CREATE OR REPLACE VIEW invoice_balances AS
SELECT i.invoice_number, i.currency, i.customer_number, i.order_number, i.payment_reference,
       greatest(i.gross_total
                - (SELECT coalesce(sum(c.gross_total), 0) FROM credit_notes c WHERE c.invoice_number = i.invoice_number)
                - (SELECT coalesce(sum(p.amount), 0) FROM payments p WHERE p.invoice_number = i.invoice_number)
                + (SELECT coalesce(sum(r.amount), 0) FROM refunds r WHERE r.invoice_number = i.invoice_number AND r.withdrawn_at IS NULL)
                - (SELECT coalesce(sum(a.amount), 0) FROM payment_allocations a
                    WHERE a.invoice_number = i.invoice_number
                      AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.payment_id = a.payment_id)), 0) AS outstanding
  FROM invoices i;

-- What each invoice owes its customer back: booked payments beyond its total less its credit notes, less what was
-- refunded already.
CREATE VIEW refunds_due AS
SELECT i.invoice_number, i.currency, i.customer_number,
       (SELECT coalesce(sum(p.amount), 0) FROM payments p WHERE p.invoice_number = i.invoice_number)
       - (SELECT coalesce(sum(r.amount), 0) FROM refunds r WHERE r.invoice_number = i.invoice_number AND r.withdrawn_at IS NULL)
       - greatest(i.gross_total - (SELECT coalesce(sum(c.gross_total), 0) FROM credit_notes c WHERE c.invoice_number = i.invoice_number), 0)
         AS owed
  FROM invoices i;

-- Down Migration
DROP VIEW refunds_due;
CREATE OR REPLACE VIEW invoice_balances AS
SELECT i.invoice_number, i.currency, i.customer_number, i.order_number, i.payment_reference,
       greatest(i.gross_total
                - (SELECT coalesce(sum(c.gross_total), 0) FROM credit_notes c WHERE c.invoice_number = i.invoice_number)
                - (SELECT coalesce(sum(p.amount), 0) FROM payments p WHERE p.invoice_number = i.invoice_number)
                - (SELECT coalesce(sum(a.amount), 0) FROM payment_allocations a
                    WHERE a.invoice_number = i.invoice_number
                      AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.payment_id = a.payment_id)), 0) AS outstanding
  FROM invoices i;
DROP TABLE refunds;
DROP TABLE payment_runs;
