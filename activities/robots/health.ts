import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { RELEASE_PER_SECOND } from '../../contracts/system-pauses';
import { operatorLog } from '../../db/operator-log';
import { inTransaction } from '../../db/transaction';
import { repeatEvery } from '../../infra/repeat';

/**
 * A portal's own health check: a worker whose robots find the portal answering no page (a 502, a page that never
 * loads) so many attempts in a row pauses its system, as an operator would (`officeflow pause`), so the runs wait
 * instead of spending their retries; it then asks the portal's address every few seconds and, once it answers, lets the
 * held steps go. A pause an operator made is theirs: the check never resumes it. Its pauses and resumes are in the
 * operator log, by the health check, as an operator's are: a pause of a few seconds is still found afterwards.
 */

/** Who the automatic pauses are by, in `officeflow systems` and the alerts. */
export const HEALTH_CHECK = 'officeflow health check';
/** How often a paused portal is asked whether it is back. */
const PROBE_EVERY_MS = 5_000;

export interface PortalHealth {
  /** An attempt found the portal answering no page. */
  failed(): Promise<void>;
  /** An attempt got through. */
  succeeded(): void;
  stop(): Promise<void>;
}

export function portalHealth(options: {
  pool: Pool;
  /** The engine (its TASK_QUEUE_SUFFIX) and the system, as the pause is kept. */
  engine: string;
  system: string;
  label: string;
  url: string;
  /** Attempts in a row that find no page before the system is paused; 0: never. */
  pauseAfter: number;
  log: Logger;
}): PortalHealth {
  const { pool, engine, system, label, url, pauseAfter, log } = options;
  let inARow = 0;

  /** Changes the system's pause and, when that changed anything, says so in the operator log, in one transaction. */
  const changePause = (sql: string, values: unknown[], action: 'system-pause' | 'system-resume', reason: string) =>
    inTransaction(pool, async (db) => {
      const { rowCount } = await db.query(sql, values);
      if (rowCount) await operatorLog(db).record({ actor: HEALTH_CHECK, action, target: system, reason });
      return Boolean(rowCount);
    });

  const probe = repeatEvery(
    PROBE_EVERY_MS,
    async () => {
      const { rowCount } = await pool.query(
        `SELECT 1 FROM system_pauses WHERE engine = $1 AND system = $2 AND state = 'paused' AND paused_by = $3`,
        [engine, system, HEALTH_CHECK],
      );
      if (!rowCount) return;
      const answer = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
      if (!answer || answer.status >= 500) return;
      inARow = 0;
      const resumed = await changePause(
        `UPDATE system_pauses SET state = 'resuming', release_per_second = $4
          WHERE engine = $1 AND system = $2 AND state = 'paused' AND paused_by = $3`,
        [engine, system, HEALTH_CHECK, RELEASE_PER_SECOND],
        'system-resume',
        `${label} answers again`,
      );
      if (resumed) log.warn({ system }, `${label} answers again: its held steps go on`);
    },
    (error) => log.warn({ err: error, system }, `${label}'s health was not checked`),
  );

  return {
    async failed() {
      inARow += 1;
      if (pauseAfter === 0 || inARow < pauseAfter) return;
      const reason = `${label} answered no page ${inARow} times in a row`;
      const paused = await changePause(
        `INSERT INTO system_pauses (engine, system, reason, paused_by) VALUES ($1, $2, $3, $4) ON CONFLICT (engine, system) DO NOTHING`,
        [engine, system, reason, HEALTH_CHECK],
        'system-pause',
        reason,
      );
      if (paused) log.warn({ system, inARow }, `${label} answers no page: ${system} paused until it does`);
    },
    succeeded() {
      inARow = 0;
    },
    stop: probe.stop,
  };
}
