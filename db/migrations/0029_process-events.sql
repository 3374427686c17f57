-- Up Migration

-- The event log of every process, as its runs move (written by the workers through a workflow sink, never on a
-- replay): each run's n-th event once, whatever writes it again. Ids only: objects by their business keys.
CREATE TABLE process_events (
  run_id       text        NOT NULL,
  seq          integer     NOT NULL,
  workflow_id  text        NOT NULL,
  process      text        NOT NULL,
  kind         text        NOT NULL,
  step         text,
  waiting_on   text,
  deadline     timestamptz,
  detail       text,
  objects      jsonb       NOT NULL DEFAULT '{}',
  at           timestamptz NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX process_events_by_process ON process_events (process, at);

-- Each run as the log has it now: where it is since when, what it touches, how it ended. One row per run.
CREATE TABLE process_runs (
  run_id        text        PRIMARY KEY,
  workflow_id   text        NOT NULL,
  process       text        NOT NULL,
  task_queue    text        NOT NULL,
  objects       jsonb       NOT NULL DEFAULT '{}',
  started_at    timestamptz,
  step          text,
  waiting_on    text,
  step_since    timestamptz,
  step_seq      integer     NOT NULL DEFAULT 0,
  ended_at      timestamptz,
  outcome       text
);
CREATE INDEX process_runs_by_process ON process_runs (process, started_at);
CREATE INDEX process_runs_running ON process_runs (task_queue, step_since) WHERE ended_at IS NULL;
CREATE INDEX process_runs_objects ON process_runs USING gin (objects jsonb_path_ops);

-- Down Migration
DROP TABLE process_runs;
DROP TABLE process_events;
