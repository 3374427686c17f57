-- Up Migration

-- The envelope each signature step made at an e-signature service with drafts (DocuSign): made as a draft, kept here
-- by the step's key, then sent. A retried step finds its envelope here; a draft an attempt lost is never sent.
CREATE TABLE esign_envelopes (
  envelope_key  text        PRIMARY KEY,
  envelope_id   text        NOT NULL,
  sent_at       timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE esign_envelopes;
