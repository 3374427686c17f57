-- Up Migration

-- The inbox's sign-in links that were used: each opens one session. Kept until the link would have expired anyway.
CREATE TABLE inbox_sign_in_links_used (
  link_id     text        PRIMARY KEY,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz NOT NULL DEFAULT now()
);

-- Signed-in people in the inbox. The cookie holds a random id; only its SHA-256 is kept here, so a copy of this table
-- signs nobody in. A session ends when it expires, when its person signs out, or when an operator ends it.
CREATE TABLE inbox_sessions (
  session_hash  text        PRIMARY KEY,
  person        text        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  last_seen_at  timestamptz,
  ended_at      timestamptz
);
CREATE INDEX inbox_sessions_open_by_person ON inbox_sessions (person) WHERE ended_at IS NULL;

-- Sign-in e-mails asked for, per address, in the current window: beyond a few, no more are sent until it passes.
CREATE TABLE inbox_sign_in_requests (
  person        text        PRIMARY KEY,
  window_start  timestamptz NOT NULL,
  requests      integer     NOT NULL
);

-- Down Migration
DROP TABLE inbox_sign_in_requests;
DROP TABLE inbox_sessions;
DROP TABLE inbox_sign_in_links_used;
