import { Pool } from 'pg';
import { whileHoldingLock } from '../../db/session-lock';
import { inTransaction } from '../../db/transaction';
import { testConfig, uniqueId } from '../support/engine';

const pool = new Pool({ connectionString: testConfig().DATABASE_URL! });
afterAll(() => pool.end());

/** Ends the sessions `where` picks (a lock's holder, a query's runner), as a PostgreSQL restart ends every session. */
const terminate = (where: string, value: string) => pool.query(`SELECT pg_terminate_backend(pid) FROM ${where}`, [value]);

it('a session held for a lock and lost meanwhile (PostgreSQL restarted) fails the holder, not the process', async () => {
  const lock = uniqueId('lock');
  const outcome = whileHoldingLock(pool, lock, async () => {
    await terminate(`pg_locks WHERE locktype = 'advisory' AND objid::int = hashtext($1)`, lock);
    await new Promise((resolve) => setTimeout(resolve, 200));
  });
  await expect(outcome).rejects.toThrow(/terminat|not queryable/i);
  // The lost session's lock went with it: the next holder takes it at once.
  await expect(whileHoldingLock(pool, lock, async () => undefined)).resolves.toBe(true);
});

it('a transaction whose session is lost between statements is not committed, and the pool goes on', async () => {
  const marker = uniqueId('tx');
  const outcome = inTransaction(pool, async (db) => {
    await db.query(`SELECT '${marker}' AS marker`);
    await terminate(`pg_stat_activity WHERE query LIKE '%' || $1 || '%' AND pid <> pg_backend_pid()`, marker);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await db.query('SELECT 1');
  });
  await expect(outcome).rejects.toThrow();
  await expect(pool.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
});
