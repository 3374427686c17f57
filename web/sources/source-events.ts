import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { Refusal } from '../errors';

/** One event a vendor sent, read: the officeflow event it means, or why it is not taken. */
export interface SourceEvent {
  /** Unique per source: what a redelivery repeats. */
  eventKey: string;
  /** The vendor's object it is about (a deal's id). */
  objectId: string;
  occurredAt: Date;
  /** The officeflow event it means; none for a change no process takes. */
  type?: string;
  data?: unknown;
  /** Why an event that could not be read is refused. */
  refused?: string;
}

/**
 * What became of a kept event: pending, then started, signalled or duplicate (a process took it), ignored (no process
 * takes it), stale (a later change of the same object came first), not-running (its run has ended or never began, as
 * when a run's own stage move comes back from the CRM after the run ended), refused (malformed, or not taken: the
 * reason says why) or failed (officeflow could not dispatch it for a day).
 */
export const SOURCE_EVENT_OUTCOMES = [
  'pending',
  'started',
  'signalled',
  'duplicate',
  'ignored',
  'stale',
  'not-running',
  'refused',
  'failed',
] as const;

/** A kept event as operators list it. */
export interface KeptSourceEvent {
  source: string;
  eventKey: string;
  objectId: string;
  occurredAt: Date;
  receivedAt: Date;
  eventType: string | null;
  outcome: string;
  reason: string | null;
  workflowId: string | null;
  attempts: number;
}

/** What became of a dispatched event. */
export interface Dispatched {
  outcome: 'started' | 'signalled' | 'duplicate';
  workflowId: string;
}

/** A kept event on its way to a process. */
export interface PendingEvent {
  source: string;
  eventKey: string;
  occurredAt: Date;
  type: string;
  data: unknown;
}

/** How long a dispatch that failed on officeflow's side (Temporal away) waits before its next try, at most. */
const MAX_BACKOFF_SECONDS = 60;

/** How far ahead of officeflow's clock a vendor's event time may be. */
const CLOCK_SKEW_MS = 60_000;

/** How long an intake holds the events it took to dispatch: past it (an intake that died), another takes them. */
const LEASE_SECONDS = 60;

/** After this long, an event officeflow could not dispatch is given up on, as `failed`, for operators to see. */
const GIVE_UP_AFTER = '24 hours';

/**
 * The events vendors' webhooks delivered (table `source_events`), the one place they are written and read: kept as
 * they arrive, before the vendor is answered, each once however often it is sent again; then dispatched to their
 * processes in the background, in the order they happened, a change older than one already seen for the same object
 * passed over as stale. Each engine (its TASK_QUEUE_SUFFIX) sees only what its own intakes kept: engines sharing a
 * database never start each other's runs, on their own task queues, from each other's events.
 */
export function sourceEvents(pool: Pool, engine: string) {
  return {
    /** Keeps a delivery's events (in `db`'s transaction, where given); how many were new (the rest were sent before). */
    async keep(source: string, events: SourceEvent[], db: Pool | PoolClient = pool): Promise<number> {
      if (events.length === 0) return 0;
      const outcome = (event: SourceEvent) => (event.refused ? 'refused' : event.type ? 'pending' : 'ignored');
      const { rowCount } = await db.query(
        `INSERT INTO source_events (engine, source, event_key, object_id, occurred_at, event_type, data, outcome, reason)
         SELECT $1, $2, * FROM unnest($3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::jsonb[], $8::text[], $9::text[])
         ON CONFLICT (engine, source, event_key) DO NOTHING`,
        [
          engine,
          source,
          events.map((e) => e.eventKey),
          events.map((e) => e.objectId),
          // A time ahead of the clock (a forged or skewed one) would make every true later change look stale.
          events.map((e) => new Date(Math.min(e.occurredAt.getTime() || Date.now(), Date.now() + CLOCK_SKEW_MS))),
          events.map((e) => e.type ?? null),
          events.map((e) => (e.data === undefined ? null : JSON.stringify(e.data))),
          events.map(outcome),
          events.map((e) => e.refused ?? null),
        ],
      );
      return rowCount ?? 0;
    },

    /** Newest first: a source's events, or those with one outcome (`refused`, `pending`, …). */
    async list({ source, outcome, limit = 200 }: { source?: string; outcome?: string; limit?: number }): Promise<KeptSourceEvent[]> {
      const { rows } = await pool.query<KeptSourceEvent>(
        `SELECT source, event_key AS "eventKey", object_id AS "objectId", occurred_at AS "occurredAt", received_at AS "receivedAt",
                event_type AS "eventType", outcome, reason, workflow_id AS "workflowId", attempts
           FROM source_events WHERE engine = $4 AND ($1::text IS NULL OR source = $1) AND ($2::text IS NULL OR outcome = $2)
          ORDER BY received_at DESC, occurred_at DESC LIMIT $3`,
        [source ?? null, outcome ?? null, limit, engine],
      );
      return rows;
    },

    /**
     * Dispatches the pending events that are due, oldest change first; how many it took. They are leased first, in a
     * short transaction, so several intakes share the work and none holds a database connection while Temporal answers;
     * a lease that runs out (an intake that died meanwhile) lets another intake take them.
     */
    async dispatchDue(dispatch: (event: PendingEvent) => Promise<Dispatched>, log: Logger, batch = 20): Promise<number> {
      const { rows } = await pool.query<PendingEvent & { objectId: string; attempts: number; receivedAt: Date }>(
        `UPDATE source_events SET next_attempt_at = now() + make_interval(secs => $2)
          WHERE engine = $3 AND (source, event_key) IN (
            SELECT source, event_key FROM source_events WHERE engine = $3 AND outcome = 'pending' AND next_attempt_at <= now()
             ORDER BY occurred_at LIMIT $1 FOR UPDATE SKIP LOCKED)
          RETURNING source, event_key AS "eventKey", object_id AS "objectId", occurred_at AS "occurredAt", event_type AS type, data,
                    attempts, received_at AS "receivedAt"`,
        [batch, LEASE_SECONDS, engine],
      );
      rows.sort((a, b) => new Date(a.occurredAt).getTime() - new Date(b.occurredAt).getTime());
      for (const event of rows) {
        const settle = (outcome: string, fields: { reason?: string; workflowId?: string } = {}) =>
          pool.query(
            `UPDATE source_events SET outcome = $3, reason = $4, workflow_id = $5, attempts = attempts + 1
              WHERE source = $1 AND event_key = $2 AND engine = $6`,
            [event.source, event.eventKey, outcome, fields.reason ?? null, fields.workflowId ?? null, engine],
          );
        const later = await pool.query(
          `SELECT 1 FROM source_events WHERE engine = $4 AND source = $1 AND object_id = $2 AND occurred_at > $3
              AND (outcome <> 'refused' OR event_type IS NOT NULL) LIMIT 1`,
          [event.source, event.objectId, event.occurredAt, engine],
        );
        if (later.rowCount) {
          await settle('stale', { reason: 'a later change of the same object came first' });
          continue;
        }
        try {
          const { outcome, workflowId } = await dispatch(event);
          await settle(outcome, { workflowId });
        } catch (error) {
          if (error instanceof Refusal) {
            log.info({ source: event.source, eventKey: event.eventKey, status: error.status }, 'a source event was refused');
            await settle(error.code === 'process_not_running' ? 'not-running' : 'refused', { reason: error.message });
            continue;
          }
          // officeflow's own trouble (Temporal or the database away): tried again later, sooner at first; given up on
          // after a day, as failed, where operators list it.
          const why = error instanceof Error ? error.message : String(error);
          log.warn({ err: error, source: event.source, eventKey: event.eventKey }, 'a source event will be dispatched again');
          await pool.query(
            `UPDATE source_events SET attempts = attempts + 1, reason = $4,
                    outcome = CASE WHEN received_at < now() - $5::interval THEN 'failed' ELSE outcome END,
                    next_attempt_at = now() + make_interval(secs => $3)
              WHERE source = $1 AND event_key = $2 AND engine = $6`,
            [event.source, event.eventKey, Math.min(2 ** event.attempts, MAX_BACKOFF_SECONDS), why.slice(0, 500), GIVE_UP_AFTER, engine],
          );
        }
      }
      return rows.length;
    },
  };
}

export type SourceEvents = ReturnType<typeof sourceEvents>;

/**
 * Dispatches kept events in the background: at once when a delivery was kept (`kick`), and every few seconds for
 * events waiting on a retry or left by an intake that stopped.
 */
export function sourceDispatcher(events: SourceEvents, dispatch: (event: PendingEvent) => Promise<Dispatched>, log: Logger) {
  let running: Promise<void> | undefined;
  let again = false;
  const drain = async () => {
    do {
      again = false;
      while ((await events.dispatchDue(dispatch, log)) > 0);
    } while (again);
  };
  const kick = () => {
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((error: unknown) => log.warn({ err: error }, 'source events were not dispatched; trying again shortly'))
      .finally(() => (running = undefined));
  };
  const timer = setInterval(kick, 2_000);
  timer.unref();
  return {
    kick,
    async stop(): Promise<void> {
      clearInterval(timer);
      await running;
    },
  };
}
