import type { Pool } from 'pg';

/**
 * The entry an earlier attempt saved in its portal, if there was an earlier attempt: the first attempt records the
 * entry's key before it types anything, so the look-up that keeps a retry (or a rerun after a reset) from saving
 * twice costs a page only when it can find something — one page load less for every entry that goes through at once.
 * An entry a person keyed into the portal by hand is not looked for.
 */
export async function savedEarlier<T>(pool: Pool, entryKey: string, lookFor: () => Promise<T | undefined>): Promise<T | undefined> {
  const { rowCount } = await pool.query('INSERT INTO robot_entries (entry_key) VALUES ($1) ON CONFLICT DO NOTHING', [entryKey]);
  return rowCount === 0 ? lookFor() : undefined;
}
