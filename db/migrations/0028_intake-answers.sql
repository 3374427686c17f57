-- Up Migration

-- How many events the intake answered, and refused (4xx, 5xx), per minute and engine: every replica adds its own, and
-- the engine's alerts tell people when a sender's events are refused.
CREATE TABLE intake_answers (
  engine    text        NOT NULL DEFAULT '',
  minute    timestamptz NOT NULL,
  answered  integer     NOT NULL DEFAULT 0,
  refused   integer     NOT NULL DEFAULT 0,
  PRIMARY KEY (engine, minute)
);

-- Down Migration
DROP TABLE intake_answers;
