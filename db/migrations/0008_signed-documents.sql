-- Up Migration

-- A document's SHA-256, kept for documents whose integrity is evidence (signed contracts).
ALTER TABLE documents ADD COLUMN sha256 text;

-- Down Migration
ALTER TABLE documents DROP COLUMN sha256;
