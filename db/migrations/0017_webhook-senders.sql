-- Up Migration

-- Each sender has its own keys: one sender cannot take another's event id (or webhook-id) first, so that the real
-- event is later ignored as a duplicate. Events taken before senders had names were the unscoped sender's.
ALTER TABLE intake_events ADD COLUMN sender text NOT NULL DEFAULT 'default';
ALTER TABLE intake_events DROP CONSTRAINT intake_events_pkey;
ALTER TABLE intake_events ADD PRIMARY KEY (sender, source, event_id);

ALTER TABLE webhook_deliveries ADD COLUMN sender text NOT NULL DEFAULT 'default';
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_pkey;
ALTER TABLE webhook_deliveries ADD PRIMARY KEY (sender, webhook_id);

-- Down Migration
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_pkey;
ALTER TABLE webhook_deliveries ADD PRIMARY KEY (webhook_id);
ALTER TABLE webhook_deliveries DROP COLUMN sender;
ALTER TABLE intake_events DROP CONSTRAINT intake_events_pkey;
ALTER TABLE intake_events ADD PRIMARY KEY (source, event_id);
ALTER TABLE intake_events DROP COLUMN sender;
