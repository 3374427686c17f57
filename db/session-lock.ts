import type { Pool } from 'pg';
import { withClient } from './checked-out';

/**
 * Runs `work` holding a PostgreSQL advisory lock on `name` for this session, unless another session holds it: one
 * engine at a time works a shared queue (a repair batch, held activities, incidents), and a lost engine's lock goes
 * with its connection. Answers whether it ran.
 */
export function whileHoldingLock(pool: Pool, name: string, work: () => Promise<void>): Promise<boolean> {
  return withClient(pool, async (session) => {
    const { rows } = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [name]);
    if (!rows[0].locked) return false;
    try {
      await work();
      return true;
    } finally {
      await session.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
    }
  });
}
