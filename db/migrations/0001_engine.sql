-- Up Migration

-- Every front-office event the intake accepted: a redelivered event (same source and id) is answered from here.
CREATE TABLE intake_events (
  source       text        NOT NULL,
  event_id     text        NOT NULL,
  event_type   text        NOT NULL,
  process      text        NOT NULL,
  action       text        NOT NULL CHECK (action IN ('start', 'signal')),
  workflow_id  text        NOT NULL,
  run_id       text        NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, event_id)
);
-- One business object, one run: a second start event for the same workflow id is a duplicate.
CREATE UNIQUE INDEX intake_events_one_start_per_workflow ON intake_events (workflow_id) WHERE action = 'start';

-- Back-office customer master data.
CREATE SEQUENCE customer_number_seq START 10001;
CREATE TABLE customers (
  customer_number  text        PRIMARY KEY DEFAULT 'C-' || nextval('customer_number_seq'),
  crm_account_id   text        NOT NULL UNIQUE,
  company_name     text        NOT NULL,
  country          char(2)     NOT NULL,
  billing_email    text        NOT NULL,
  credit_limit     numeric(14, 2),
  credit_currency  char(3),
  onboarded_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Generated documents (letters, invoices as PDF), keyed by the run and step that made them.
CREATE TABLE documents (
  document_key  text        PRIMARY KEY,
  filename      text        NOT NULL,
  content_type  text        NOT NULL,
  content       bytea       NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- Outgoing e-mail, keyed by the run and step that sends it, so a retried activity never sends twice.
CREATE TABLE outbox_emails (
  email_key        text        PRIMARY KEY,
  recipient        text        NOT NULL,
  subject          text        NOT NULL,
  body_text        text        NOT NULL,
  attachment_keys  text[]      NOT NULL DEFAULT '{}',
  status           text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent')),
  message_id       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz
);

-- Down Migration
DROP TABLE outbox_emails;
DROP TABLE documents;
DROP TABLE customers;
DROP SEQUENCE customer_number_seq;
DROP TABLE intake_events;
