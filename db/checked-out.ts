import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` on one client of the pool, for statements that must share a session. A connection lost while the client
 * is checked out and idle (PostgreSQL restarted) arrives as an `error` event on it, which would crash the process with
 * no listener: here it is noted, the next statement fails as it would, and the client is thrown away, not pooled.
 * `work` may call `discard` for a client whose session it left in a state no one else should inherit.
 */
export async function withClient<T>(pool: Pool, work: (client: PoolClient, discard: (why: Error) => void) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => (broken = error);
  client.on('error', onError);
  try {
    return await work(client, onError);
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
