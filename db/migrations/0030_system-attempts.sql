-- Up Migration

-- Activity attempts that failed, and attempts that were retries, per minute, task queue, process and system: how
-- often each system a process talks to fails it (the process insights).
CREATE TABLE system_attempts (
  task_queue  text        NOT NULL,
  process     text        NOT NULL,
  system      text        NOT NULL,
  minute      timestamptz NOT NULL,
  failed      integer     NOT NULL DEFAULT 0,
  retried     integer     NOT NULL DEFAULT 0,
  PRIMARY KEY (task_queue, process, system, minute)
);

-- Down Migration
DROP TABLE system_attempts;
