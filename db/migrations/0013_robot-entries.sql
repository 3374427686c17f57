-- Up Migration
-- Every robot entry (an order keyed into the legacy ERP, a user, a payroll enrolment) once its first attempt reached
-- the portal: only an entry recorded here may already be in the portal, so only then does a robot look for it first.
CREATE TABLE robot_entries (
  entry_key text PRIMARY KEY,
  first_attempt_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE robot_entries;
