-- Up Migration

-- What an invoice needs of its buyer, from the CRM: the address, the VAT ID of a business, the e-invoice format it
-- takes, its language (amounts are formatted for it), the reference it wants on its invoices, and its bank account.
ALTER TABLE customers
  ADD COLUMN street            text,
  ADD COLUMN postal_code       text,
  ADD COLUMN city              text,
  ADD COLUMN vat_id            text,
  ADD COLUMN language          text,
  ADD COLUMN buyer_reference   text,
  ADD COLUMN iban              text,
  ADD COLUMN e_invoice_format  text NOT NULL DEFAULT 'factur-x'
    CHECK (e_invoice_format IN ('factur-x', 'xrechnung-cii', 'xrechnung-ubl'));

-- Standard VAT rates change: each is valid from a date, and an invoice takes the one valid on its date.
ALTER TABLE tax_rates ADD COLUMN valid_from date NOT NULL DEFAULT DATE '2000-01-01';
ALTER TABLE tax_rates DROP CONSTRAINT tax_rates_pkey;
ALTER TABLE tax_rates ADD PRIMARY KEY (country, valid_from);
-- An export is zero-rated by rule, not by a rate of the buyer's country.
DELETE FROM tax_rates WHERE country = 'US';
INSERT INTO tax_rates (country, valid_from, rate) VALUES
  ('BG', '2000-01-01', 0.20), ('CY', '2000-01-01', 0.19), ('CZ', '2000-01-01', 0.21), ('GR', '2000-01-01', 0.24),
  ('HR', '2000-01-01', 0.25), ('HU', '2000-01-01', 0.27), ('LT', '2000-01-01', 0.21), ('LV', '2000-01-01', 0.21),
  ('LU', '2000-01-01', 0.17), ('LU', '2023-01-01', 0.16), ('LU', '2024-01-01', 0.17),
  ('MT', '2000-01-01', 0.18), ('PT', '2000-01-01', 0.23), ('SI', '2000-01-01', 0.22),
  ('EE', '2000-01-01', 0.20), ('EE', '2024-01-01', 0.22), ('EE', '2025-07-01', 0.24),
  ('FI', '2000-01-01', 0.24), ('FI', '2024-09-01', 0.255),
  ('RO', '2000-01-01', 0.19), ('RO', '2025-08-01', 0.21),
  ('SK', '2000-01-01', 0.20), ('SK', '2025-01-01', 0.23),
  ('NO', '2000-01-01', 0.25);
UPDATE tax_rates SET rate = 0.077 WHERE country = 'CH';
INSERT INTO tax_rates (country, valid_from, rate) VALUES ('CH', '2024-01-01', 0.081);

-- An invoice keeps both parties as they were when it was issued, how VAT was treated, and when goods were supplied.
ALTER TABLE invoices
  ADD COLUMN vat_treatment      text CHECK (vat_treatment IN ('domestic', 'reverse-charge', 'eu-consumer', 'export')),
  ADD COLUMN supplied_on        date,
  ADD COLUMN seller             jsonb,
  ADD COLUMN buyer              jsonb,
  ADD COLUMN payment_reference  text;

-- Credit notes: their own gap-free series, each for one return of one invoice.
INSERT INTO number_series (series, prefix, next_value) VALUES ('credit-note', 'CN-', 1);
CREATE TABLE credit_notes (
  credit_note_number  text          PRIMARY KEY,
  invoice_number      text          NOT NULL REFERENCES invoices,
  return_id           text          NOT NULL UNIQUE,
  reason              text          NOT NULL,
  currency            char(3)       NOT NULL,
  net_total           numeric(14,2) NOT NULL,
  tax_total           numeric(14,2) NOT NULL,
  gross_total         numeric(14,2) NOT NULL,
  issued_on           date          NOT NULL
);
CREATE TABLE credit_note_lines (
  credit_note_number  text          NOT NULL REFERENCES credit_notes,
  line_no             integer       NOT NULL,
  sku                 text          NOT NULL,
  description         text          NOT NULL,
  quantity            integer       NOT NULL CHECK (quantity > 0),
  unit_price          numeric(14,2) NOT NULL,
  net_amount          numeric(14,2) NOT NULL,
  PRIMARY KEY (credit_note_number, line_no)
);

-- Down Migration

DROP TABLE credit_note_lines;
DROP TABLE credit_notes;
DELETE FROM number_series WHERE series = 'credit-note';
ALTER TABLE invoices DROP COLUMN vat_treatment, DROP COLUMN supplied_on, DROP COLUMN seller, DROP COLUMN buyer,
  DROP COLUMN payment_reference;
DELETE FROM tax_rates WHERE valid_from > DATE '2000-01-01' OR country NOT IN
  ('AT', 'BE', 'CH', 'DE', 'DK', 'ES', 'FR', 'GB', 'IE', 'IT', 'NL', 'PL', 'SE');
UPDATE tax_rates SET rate = 0.081 WHERE country = 'CH';
INSERT INTO tax_rates (country, valid_from, rate) VALUES ('US', DATE '2000-01-01', 0.00);
ALTER TABLE tax_rates DROP CONSTRAINT tax_rates_pkey;
ALTER TABLE tax_rates DROP COLUMN valid_from;
ALTER TABLE tax_rates ADD PRIMARY KEY (country);
ALTER TABLE customers DROP COLUMN street, DROP COLUMN postal_code, DROP COLUMN city, DROP COLUMN vat_id, DROP COLUMN language,
  DROP COLUMN buyer_reference, DROP COLUMN iban, DROP COLUMN e_invoice_format;
