-- Up Migration

-- A credit check reads the open invoices of one customer: without this index it read every invoice ever issued, a cost
-- that grew with each month of operation.
CREATE INDEX invoices_by_customer ON invoices (customer_number);

-- Down Migration
DROP INDEX invoices_by_customer;
