-- Products and stock for the local engine's demo; never applied to a configured DATABASE_URL.
INSERT INTO products (sku, name, on_hand) VALUES
  ('DESK-140', 'Standing desk 140 cm', 40),
  ('CHAIR-ERGO', 'Ergonomic office chair', 120),
  ('LAMP-LED', 'LED desk lamp', 300)
ON CONFLICT (sku) DO NOTHING;
