-- Up Migration

-- Reserving stock sums the reservations still held for each SKU while it holds the product's row: an index keeps that
-- short however many orders came before.
CREATE INDEX stock_reservations_held ON stock_reservations (sku) WHERE released_at IS NULL;

-- Down Migration

DROP INDEX stock_reservations_held;
