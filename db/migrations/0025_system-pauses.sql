-- Up Migration

-- A connected system paused by an operator (`officeflow pause legacy-erp --reason "portal down"`): while its row says
-- paused, every activity of the system is held by Temporal instead of attempted; resuming lets them go at a bounded
-- rate, and the row goes once none is held. Per engine, where engines share a database (TASK_QUEUE_SUFFIX).
CREATE TABLE system_pauses (
  engine       text        NOT NULL DEFAULT '',
  system       text        NOT NULL,
  state        text        NOT NULL DEFAULT 'paused' CHECK (state IN ('paused', 'resuming')),
  reason       text        NOT NULL,
  paused_by    text        NOT NULL,
  paused_at    timestamptz NOT NULL DEFAULT now(),
  -- While resuming: how many held activities are let go each second.
  release_per_second real,
  PRIMARY KEY (engine, system)
);

-- The activities held while their system was paused: each is paused in Temporal and unpaused when the system resumes.
CREATE TABLE held_activities (
  engine       text        NOT NULL DEFAULT '',
  workflow_id  text        NOT NULL,
  run_id       text        NOT NULL,
  activity_id  text        NOT NULL,
  system       text        NOT NULL,
  held_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workflow_id, run_id, activity_id)
);
CREATE INDEX held_activities_by_system ON held_activities (engine, system, held_at);

-- Down Migration
DROP TABLE held_activities;
DROP TABLE system_pauses;
