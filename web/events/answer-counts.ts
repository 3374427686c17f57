import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { repeatEvery } from '../../infra/repeat';

/** How often a replica adds what it counted to `intake_answers`. */
const FLUSH_EVERY_MS = 5_000;

/**
 * Counts the events the intake answers and refuses, per minute, in memory, and adds them to `intake_answers` every few
 * seconds (one write per replica, not one per event), for the alert on a sender whose events are refused.
 */
export function answerCounts(pool: Pool, engine: string, log: Logger) {
  const counted = new Map<string, { answered: number; refused: number }>();

  async function flush(): Promise<void> {
    const minutes = [...counted.entries()];
    counted.clear();
    for (const [minute, { answered, refused }] of minutes) {
      await pool.query(
        `INSERT INTO intake_answers (engine, minute, answered, refused) VALUES ($1, $2, $3, $4)
         ON CONFLICT (engine, minute) DO UPDATE
           SET answered = intake_answers.answered + $3, refused = intake_answers.refused + $4`,
        [engine, minute, answered, refused],
      );
    }
  }

  const chore = repeatEvery(FLUSH_EVERY_MS, flush, (error) => log.warn({ err: error }, 'the intake’s answers were not counted'));
  return {
    answered(status: number): void {
      const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
      const count = counted.get(minute) ?? { answered: 0, refused: 0 };
      count.answered += 1;
      if (status >= 400) count.refused += 1;
      counted.set(minute, count);
    },
    async stop(): Promise<void> {
      await chore.stop();
      await flush().catch((error: unknown) => log.warn({ err: error }, 'the intake’s last answers were not counted'));
    },
  };
}

export type AnswerCounts = ReturnType<typeof answerCounts>;
