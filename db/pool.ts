import { Pool } from 'pg';
import type { Logger } from 'pino';

/**
 * A connection pool to the back office's database. An idle connection PostgreSQL drops (a restart, a shutdown) is
 * logged and replaced on next use; unhandled, it would end the process.
 */
export function createPool(databaseUrl: string, log: Logger, max = 10): Pool {
  const pool = new Pool({ connectionString: databaseUrl, max });
  pool.on('error', (error) => log.warn({ err: error }, 'an idle database connection was closed'));
  return pool;
}
