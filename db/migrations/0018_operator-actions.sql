-- Up Migration

-- What operators and people acting for others did: repairs of runs, documents read, delegations, decisions on
-- someone's behalf. Who, when, what and why, for auditors; kept apart from Temporal's history so it outlives it.
CREATE TABLE operator_actions (
  position     bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  actor        text        NOT NULL,
  action       text        NOT NULL,
  -- What it was done to: a run's workflow id, a document's key, a task's id.
  target       text        NOT NULL,
  reason       text,
  detail       jsonb       NOT NULL DEFAULT '{}',
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX operator_actions_by_time ON operator_actions (recorded_at);

-- Append-only, as the contract audit trail: triggers refuse changes to everyone who writes it; the table's owner can
-- still drop them (see README).
REVOKE UPDATE, DELETE, TRUNCATE ON operator_actions FROM PUBLIC;
CREATE FUNCTION operator_actions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the operator log is append-only';
END $$;
CREATE TRIGGER operator_actions_no_change BEFORE UPDATE OR DELETE ON operator_actions
  FOR EACH ROW EXECUTE FUNCTION operator_actions_append_only();
CREATE TRIGGER operator_actions_no_truncate BEFORE TRUNCATE ON operator_actions
  FOR EACH STATEMENT EXECUTE FUNCTION operator_actions_append_only();

-- Down Migration
DROP TABLE operator_actions;
DROP FUNCTION operator_actions_append_only();
