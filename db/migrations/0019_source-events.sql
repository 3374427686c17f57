-- Up Migration

-- What vendors' webhooks delivered (HubSpot's, …), kept as it arrived, before the vendor is answered: each event once
-- per source and event key however often the vendor sends it again, then what became of it.
CREATE TABLE source_events (
  source           text        NOT NULL,
  event_key        text        NOT NULL,
  -- The vendor's object the event is about (a deal's id): a change older than one already taken is stale.
  object_id        text        NOT NULL,
  occurred_at      timestamptz NOT NULL,
  received_at      timestamptz NOT NULL DEFAULT now(),
  -- The officeflow event it means, once mapped; none for a change no process takes.
  event_type       text,
  data             jsonb,
  -- pending, then: started, signalled, duplicate, ignored (no process takes it), stale (a later change came first),
  -- refused (malformed, or not taken: the reason says why), failed (officeflow could not dispatch it for a day).
  outcome          text        NOT NULL,
  reason           text,
  workflow_id      text,
  attempts         integer     NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, event_key)
);
CREATE INDEX source_events_pending ON source_events (next_attempt_at) WHERE outcome = 'pending';
CREATE INDEX source_events_by_object ON source_events (source, object_id, occurred_at);

-- Down Migration
DROP TABLE source_events;
