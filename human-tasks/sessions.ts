import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';

/** How long an inbox session lasts before its person signs in again. */
export const SESSION_HOURS = 8;

/** Sign-in e-mails one address may be sent per window: enough for a lost mail, too few to flood a mailbox. */
const SIGN_IN_MAILS = 5;
const SIGN_IN_WINDOW = '15 minutes';

/** What is kept of a session id: its SHA-256, so the table alone signs nobody in. */
const hashOf = (sessionId: string) => createHash('sha256').update(sessionId).digest('hex');

/** An open inbox session, as operators list them. */
export interface InboxSession {
  person: string;
  startedAt: Date;
  expiresAt: Date;
  lastSeenAt: Date | null;
}

/**
 * The inbox's sign-ins in PostgreSQL, the one place their tables are written and read: the links spent, the sessions
 * (a random id in the cookie, its hash here) and the sign-in e-mails asked for per address. People are kept by their
 * address in lower case, as the inbox reads it.
 */
export function inboxSessions(pool: Pool) {
  return {
    /**
     * Spends a sign-in link and opens a session for its person: the session's id, or undefined when the link was used
     * or has expired. The database's clock, which also clears spent links, has the last word on expiry (the token's own
     * check, by the intake's clock, only refuses more), so a link cleared as expired is never taken.
     */
    async open(link: { linkId: string; expiresAt: Date; person: string }): Promise<string | undefined> {
      const sessionId = randomBytes(32).toString('base64url');
      // One statement: of two openings of the same link, exactly one spends it and gets a session.
      const { rowCount } = await pool.query(
        `WITH spent AS (
           INSERT INTO inbox_sign_in_links_used (link_id, expires_at) SELECT $1, $2 WHERE $2 > now()
           ON CONFLICT DO NOTHING RETURNING link_id
         ), expired AS (
           DELETE FROM inbox_sign_in_links_used WHERE expires_at < now()
         ), forgotten AS (
           -- Kept a month after they closed, for operators' questions; then nobody needs them.
           DELETE FROM inbox_sessions WHERE least(expires_at, coalesce(ended_at, expires_at)) < now() - interval '30 days'
         )
         INSERT INTO inbox_sessions (session_hash, person, expires_at)
         SELECT $3, $4, now() + make_interval(hours => $5) FROM spent`,
        [link.linkId, link.expiresAt, hashOf(sessionId), link.person, SESSION_HOURS],
      );
      return rowCount ? sessionId : undefined;
    },

    /** Whether a sign-in link can no longer sign in: spent already, or expired by the database's clock. */
    async linkSpent(link: { linkId: string; expiresAt: Date }): Promise<boolean> {
      const { rows } = await pool.query<{ spent: boolean }>(
        'SELECT $2 <= now() OR EXISTS (SELECT 1 FROM inbox_sign_in_links_used WHERE link_id = $1) AS spent',
        [link.linkId, link.expiresAt],
      );
      return rows[0].spent;
    },

    /** The person of a session still open, noted as seen now; undefined once it expired or ended. */
    async personOf(sessionId: string): Promise<string | undefined> {
      const { rows } = await pool.query<{ person: string }>(
        `UPDATE inbox_sessions SET last_seen_at = now()
          WHERE session_hash = $1 AND ended_at IS NULL AND expires_at > now() RETURNING person`,
        [hashOf(sessionId)],
      );
      return rows[0]?.person;
    },

    /** Ends a session: its cookie signs nobody in any more, wherever a copy of it is. */
    async end(sessionId: string): Promise<void> {
      await pool.query('UPDATE inbox_sessions SET ended_at = now() WHERE session_hash = $1 AND ended_at IS NULL', [hashOf(sessionId)]);
    },

    /** Ends every open session of a person (a lost laptop, someone who left): how many there were. */
    async endAllOf(person: string): Promise<number> {
      const { rowCount } = await pool.query(
        'UPDATE inbox_sessions SET ended_at = now() WHERE person = lower($1) AND ended_at IS NULL AND expires_at > now()',
        [person],
      );
      return rowCount ?? 0;
    },

    /** The open sessions of a person, or everyone's, by person and oldest first. */
    async openSessions(person?: string): Promise<InboxSession[]> {
      const { rows } = await pool.query<InboxSession>(
        `SELECT person, created_at AS "startedAt", expires_at AS "expiresAt", last_seen_at AS "lastSeenAt" FROM inbox_sessions
          WHERE ended_at IS NULL AND expires_at > now() AND ($1::text IS NULL OR person = lower($1)) ORDER BY person, created_at`,
        [person ?? null],
      );
      return rows;
    },

    /** Counts a request for a sign-in e-mail to an address; whether one may be sent, or the address had its share. */
    async mayMailSignInLink(person: string): Promise<boolean> {
      // Counts whose window has passed say nothing any more: forgotten, whoever asked (addresses without tasks too).
      // Rows another request holds are left to the next one, so two requests never wait on each other.
      await pool.query(
        `DELETE FROM inbox_sign_in_requests WHERE person IN (
           SELECT person FROM inbox_sign_in_requests WHERE window_start <= now() - $2::interval AND person <> $1 FOR UPDATE SKIP LOCKED)`,
        [person, SIGN_IN_WINDOW],
      );
      const { rows } = await pool.query<{ requests: number }>(
        `INSERT INTO inbox_sign_in_requests AS counted (person, window_start, requests) VALUES ($1, now(), 1)
         ON CONFLICT (person) DO UPDATE SET
           window_start = CASE WHEN counted.window_start <= now() - $2::interval THEN now() ELSE counted.window_start END,
           requests = CASE WHEN counted.window_start <= now() - $2::interval THEN 1 ELSE counted.requests + 1 END
         RETURNING requests`,
        [person, SIGN_IN_WINDOW],
      );
      return rows[0].requests <= SIGN_IN_MAILS;
    },
  };
}

export type InboxSessions = ReturnType<typeof inboxSessions>;
