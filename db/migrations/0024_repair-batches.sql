-- Up Migration

-- An operator's repair of many runs at once (`officeflow retry --step …`): what was asked, by whom and why, and each
-- run's outcome as the engine works through them at a bounded rate. A stopped batch is resumed where it stopped; a
-- batch whose engine restarted is taken up again by the next one.
CREATE TABLE repair_batches (
  batch_id     text        PRIMARY KEY,
  action       text        NOT NULL CHECK (action IN ('retry', 'reset', 'cancel')),
  actor        text        NOT NULL,
  reason       text        NOT NULL,
  -- What the operator selected (the visibility query, a failure type, a time) and the reset's step.
  selection    jsonb       NOT NULL,
  per_second   real        NOT NULL CHECK (per_second > 0),
  status       text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'stopped', 'done')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz
);

CREATE TABLE repair_batch_runs (
  batch_id     text        NOT NULL REFERENCES repair_batches,
  position     integer     NOT NULL,
  workflow_id  text        NOT NULL,
  run_id       text        NOT NULL,
  -- Null until the engine has tried it.
  outcome      text        CHECK (outcome IN ('repaired', 'refused', 'failed')),
  detail       jsonb,
  tried_at     timestamptz,
  PRIMARY KEY (batch_id, position),
  UNIQUE (batch_id, workflow_id)
);

-- Down Migration
DROP TABLE repair_batch_runs;
DROP TABLE repair_batches;
