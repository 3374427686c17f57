-- Up Migration

-- Signed requests the intake took within the signature's five-minute window, by webhook-id: a signature is good for
-- one request. A retry of the identical request is answered again; the same id on anything else is refused.
CREATE TABLE webhook_deliveries (
  webhook_id   text        PRIMARY KEY,
  -- SHA-256 of the signed body and of the CloudEvents attributes sent as headers (binary mode).
  fingerprint  text        NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_by_age ON webhook_deliveries (received_at);

-- Down Migration
DROP TABLE webhook_deliveries;
