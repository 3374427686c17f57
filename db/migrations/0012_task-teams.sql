-- Up Migration
-- The team a task waits on (Finance, Legal, …), as the run names it: open tasks and tasks past their deadline are
-- counted per team for the metrics. Tasks opened before this column have none.
ALTER TABLE human_tasks ADD COLUMN team text;
CREATE INDEX human_tasks_open_by_team ON human_tasks (team) WHERE status = 'open';

-- Down Migration
DROP INDEX human_tasks_open_by_team;
ALTER TABLE human_tasks DROP COLUMN team;
