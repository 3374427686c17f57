-- Up Migration

-- Open and decided human tasks across every run, so people can list what waits on them.
CREATE TABLE human_tasks (
  task_id      text        PRIMARY KEY,
  workflow_id  text        NOT NULL,
  title        text        NOT NULL,
  details      text        NOT NULL,
  assignee     text        NOT NULL,
  deadline     timestamptz NOT NULL,
  escalated    boolean     NOT NULL DEFAULT false,
  status       text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'decided')),
  decision     text        CHECK (decision IN ('approve', 'reject')),
  decided_by   text,
  comment      text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  decided_at   timestamptz
);
CREATE INDEX human_tasks_open_by_assignee ON human_tasks (lower(assignee)) WHERE status = 'open';

-- Down Migration
DROP TABLE human_tasks;
