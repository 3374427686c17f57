import type { Pool, PoolClient } from 'pg';
import { withClient } from './checked-out';

/** Runs `work` in one transaction: committed when it returns, rolled back when it throws. */
export function inTransaction<T>(pool: Pool, work: (db: PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (db, discard) => {
    await db.query('BEGIN');
    try {
      const result = await work(db);
      await db.query('COMMIT');
      return result;
    } catch (error) {
      // A session whose transaction could not be rolled back is not handed to anyone else.
      await db.query('ROLLBACK').catch(discard);
      throw error;
    }
  });
}
