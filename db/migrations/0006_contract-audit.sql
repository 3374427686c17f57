-- Up Migration

-- Every step of a contract's approval, kept apart from Temporal's history so it outlives it.
CREATE TABLE contract_audit (
  position          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The run and the entry's place in it: a retried write is kept once.
  entry_key         text        NOT NULL UNIQUE,
  contract_id       text        NOT NULL,
  event             text        NOT NULL,
  actor             text,
  on_behalf_of      text,
  document_version  text        NOT NULL,
  detail            jsonb       NOT NULL DEFAULT '{}',
  recorded_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contract_audit_by_contract ON contract_audit (contract_id, position);

-- Append-only: triggers refuse UPDATE, DELETE and TRUNCATE to everyone who writes it, officeflow included. The table's
-- owner can still drop the triggers: keep officeflow's database role from owning it where that matters (see README).
REVOKE UPDATE, DELETE, TRUNCATE ON contract_audit FROM PUBLIC;
CREATE FUNCTION contract_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the contract audit trail is append-only';
END $$;
CREATE TRIGGER contract_audit_no_change BEFORE UPDATE OR DELETE ON contract_audit
  FOR EACH ROW EXECUTE FUNCTION contract_audit_append_only();
CREATE TRIGGER contract_audit_no_truncate BEFORE TRUNCATE ON contract_audit
  FOR EACH STATEMENT EXECUTE FUNCTION contract_audit_append_only();

-- Down Migration
DROP TABLE contract_audit;
DROP FUNCTION contract_audit_append_only();
