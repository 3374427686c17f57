-- Up Migration

-- Stock: what is on hand, and what open orders hold of it.
CREATE TABLE products (
  sku      text    PRIMARY KEY,
  name     text    NOT NULL,
  on_hand  integer NOT NULL DEFAULT 0 CHECK (on_hand >= 0)
);
-- Each restock once, however often its event is delivered.
CREATE TABLE restocks (
  restock_key  text        PRIMARY KEY,
  sku          text        NOT NULL REFERENCES products,
  quantity     integer     NOT NULL CHECK (quantity > 0),
  received_at  timestamptz NOT NULL DEFAULT now()
);

CREATE SEQUENCE sales_order_seq START 100001;
CREATE TABLE sales_orders (
  order_number         text          PRIMARY KEY DEFAULT 'SO-' || nextval('sales_order_seq'),
  deal_id              text          NOT NULL UNIQUE,
  customer_number      text          NOT NULL REFERENCES customers,
  currency             char(3)       NOT NULL,
  net_total            numeric(14,2) NOT NULL,
  payment_terms_days   integer       NOT NULL,
  status               text          NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'on_hold', 'cancelled')),
  legacy_order_number  text,
  created_at           timestamptz   NOT NULL DEFAULT now()
);
CREATE TABLE sales_order_lines (
  order_number  text          NOT NULL REFERENCES sales_orders,
  line_no       integer       NOT NULL,
  sku           text          NOT NULL REFERENCES products,
  quantity      integer       NOT NULL CHECK (quantity > 0),
  unit_price    numeric(14,2) NOT NULL CHECK (unit_price >= 0),
  PRIMARY KEY (order_number, line_no)
);
CREATE TABLE stock_reservations (
  order_number  text        NOT NULL REFERENCES sales_orders,
  sku           text        NOT NULL REFERENCES products,
  quantity      integer     NOT NULL CHECK (quantity > 0),
  released_at   timestamptz,
  PRIMARY KEY (order_number, sku)
);

CREATE SEQUENCE shipment_seq START 500001;
CREATE TABLE shipments (
  shipment_number  text        PRIMARY KEY DEFAULT 'SH-' || nextval('shipment_seq'),
  order_number     text        NOT NULL UNIQUE REFERENCES sales_orders,
  created_at       timestamptz NOT NULL DEFAULT now(),
  delivered_at     timestamptz
);

-- VAT by the customer's country.
CREATE TABLE tax_rates (
  country  char(2)      PRIMARY KEY,
  rate     numeric(5,4) NOT NULL CHECK (rate >= 0 AND rate < 1)
);
INSERT INTO tax_rates (country, rate) VALUES
  ('AT', 0.20), ('BE', 0.21), ('CH', 0.081), ('DE', 0.19), ('DK', 0.25), ('ES', 0.21), ('FR', 0.20),
  ('GB', 0.20), ('IE', 0.23), ('IT', 0.22), ('NL', 0.21), ('PL', 0.23), ('SE', 0.25), ('US', 0.00);

-- Gap-free numbering: the next number is taken under a row lock in the transaction that uses it.
CREATE TABLE number_series (
  series      text   PRIMARY KEY,
  prefix      text   NOT NULL,
  next_value  bigint NOT NULL
);
INSERT INTO number_series (series, prefix, next_value) VALUES ('invoice', 'INV-', 1);

CREATE TABLE invoices (
  invoice_number   text          PRIMARY KEY,
  order_number     text          NOT NULL UNIQUE REFERENCES sales_orders,
  customer_number  text          NOT NULL REFERENCES customers,
  currency         char(3)       NOT NULL,
  net_total        numeric(14,2) NOT NULL,
  tax_rate         numeric(5,4)  NOT NULL,
  tax_total        numeric(14,2) NOT NULL,
  gross_total      numeric(14,2) NOT NULL,
  issued_on        date          NOT NULL,
  due_on           date          NOT NULL
);
CREATE TABLE invoice_lines (
  invoice_number  text          NOT NULL REFERENCES invoices,
  line_no         integer       NOT NULL,
  sku             text          NOT NULL,
  description     text          NOT NULL,
  quantity        integer       NOT NULL,
  unit_price      numeric(14,2) NOT NULL,
  net_amount      numeric(14,2) NOT NULL,
  PRIMARY KEY (invoice_number, line_no)
);

-- Each payment once, keyed by the payment provider's id.
CREATE TABLE payments (
  payment_id      text          PRIMARY KEY,
  invoice_number  text          NOT NULL REFERENCES invoices,
  amount          numeric(14,2) NOT NULL CHECK (amount > 0),
  currency        char(3)       NOT NULL,
  received_at     timestamptz   NOT NULL DEFAULT now()
);
-- Money the customer paid beyond what it owed.
CREATE TABLE customer_credits (
  payment_id       text          PRIMARY KEY REFERENCES payments,
  customer_number  text          NOT NULL REFERENCES customers,
  amount           numeric(14,2) NOT NULL CHECK (amount > 0),
  currency         char(3)       NOT NULL
);

-- Double-entry ledger. Every entry balances: checked when its transaction commits.
CREATE TABLE journal_entries (
  entry_key    text        PRIMARY KEY,
  description  text        NOT NULL,
  currency     char(3)     NOT NULL,
  posted_at    timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE journal_lines (
  entry_key  text          NOT NULL REFERENCES journal_entries,
  line_no    integer       NOT NULL,
  account    text          NOT NULL,
  debit      numeric(14,2) NOT NULL DEFAULT 0 CHECK (debit >= 0),
  credit     numeric(14,2) NOT NULL DEFAULT 0 CHECK (credit >= 0),
  CHECK ((debit = 0) <> (credit = 0)),
  PRIMARY KEY (entry_key, line_no)
);
CREATE FUNCTION journal_entry_balances() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  entry text := coalesce(NEW.entry_key, OLD.entry_key);
  difference numeric;
BEGIN
  SELECT coalesce(sum(debit), 0) - coalesce(sum(credit), 0) INTO difference FROM journal_lines WHERE entry_key = entry;
  IF difference <> 0 THEN
    RAISE EXCEPTION 'journal entry % does not balance: debits minus credits is %', entry, difference;
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER journal_entries_balance
  AFTER INSERT OR UPDATE OR DELETE ON journal_lines
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION journal_entry_balances();

-- Down Migration
DROP TRIGGER journal_entries_balance ON journal_lines;
DROP FUNCTION journal_entry_balances();
DROP TABLE journal_lines;
DROP TABLE journal_entries;
DROP TABLE customer_credits;
DROP TABLE payments;
DROP TABLE invoice_lines;
DROP TABLE invoices;
DROP TABLE number_series;
DROP TABLE tax_rates;
DROP TABLE shipments;
DROP SEQUENCE shipment_seq;
DROP TABLE stock_reservations;
DROP TABLE sales_order_lines;
DROP TABLE sales_orders;
DROP SEQUENCE sales_order_seq;
DROP TABLE restocks;
DROP TABLE products;
