-- Up Migration

-- What needed a person (a failed run, a task long past its deadline, a paused system), from when it was first seen
-- to when it was resolved, and which channels were told of its opening and its resolution. One open incident per
-- key and engine: the same trouble seen again is the same incident.
CREATE TABLE incidents (
  incident_id   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  engine        text        NOT NULL DEFAULT '',
  incident_key  text        NOT NULL,
  kind          text        NOT NULL,
  title         text        NOT NULL,
  workflow_id   text,
  repair        text        NOT NULL,
  -- The channels this incident is told to (as configured when it opened), and what each was told: `opened:<channel>`.
  channels      text[]      NOT NULL,
  told          text[]      NOT NULL DEFAULT '{}',
  opened_at     timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  resolved_at   timestamptz
);
CREATE UNIQUE INDEX incidents_open ON incidents (engine, incident_key) WHERE resolved_at IS NULL;

-- Down Migration
DROP TABLE incidents;
