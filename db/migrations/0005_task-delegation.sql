-- Up Migration

-- A third verdict (changes requested), tasks withdrawn once their stage no longer needs them, and decisions taken in
-- someone else's place (an escalation's manager, a delegate).
ALTER TABLE human_tasks DROP CONSTRAINT human_tasks_decision_check;
ALTER TABLE human_tasks ADD CONSTRAINT human_tasks_decision_check CHECK (decision IN ('approve', 'reject', 'request-changes'));
ALTER TABLE human_tasks DROP CONSTRAINT human_tasks_status_check;
ALTER TABLE human_tasks ADD CONSTRAINT human_tasks_status_check CHECK (status IN ('open', 'decided', 'withdrawn'));
ALTER TABLE human_tasks ADD COLUMN on_behalf_of text;

-- Down Migration
ALTER TABLE human_tasks DROP COLUMN on_behalf_of;
ALTER TABLE human_tasks DROP CONSTRAINT human_tasks_status_check;
ALTER TABLE human_tasks ADD CONSTRAINT human_tasks_status_check CHECK (status IN ('open', 'decided'));
ALTER TABLE human_tasks DROP CONSTRAINT human_tasks_decision_check;
ALTER TABLE human_tasks ADD CONSTRAINT human_tasks_decision_check CHECK (decision IN ('approve', 'reject'));
