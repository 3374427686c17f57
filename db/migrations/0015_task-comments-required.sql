-- Up Migration
-- The verdicts of a task that need a comment saying why (a rejection, a change request), so the pages can ask for one
-- before the run refuses the decision without it.
ALTER TABLE human_tasks ADD COLUMN comment_required_for text[] NOT NULL DEFAULT '{}';

-- Down Migration
ALTER TABLE human_tasks DROP COLUMN comment_required_for;
