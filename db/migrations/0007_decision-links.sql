-- Up Migration

-- One-click links from task e-mails that were used: each works once.
CREATE TABLE decision_links_used (
  link_id  text        PRIMARY KEY,
  task_id  text        NOT NULL,
  used_at  timestamptz NOT NULL DEFAULT now()
);

-- The verdicts a task allows, for the page that shows its buttons.
ALTER TABLE human_tasks ADD COLUMN verdicts text[] NOT NULL DEFAULT '{approve,reject}';

-- Down Migration
ALTER TABLE human_tasks DROP COLUMN verdicts;
DROP TABLE decision_links_used;
