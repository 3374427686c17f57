-- Up Migration

-- Why a held step waits (`paused: legacy-erp — portal down`), and whether its run was told, for the run's current
-- details in the Temporal UI.
ALTER TABLE held_activities ADD COLUMN why text;
ALTER TABLE held_activities ADD COLUMN run_told boolean NOT NULL DEFAULT false;

-- Down Migration
ALTER TABLE held_activities DROP COLUMN run_told;
ALTER TABLE held_activities DROP COLUMN why;
