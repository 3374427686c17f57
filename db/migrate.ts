import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { runner } from 'node-pg-migrate';
import type { Logger } from 'pino';

const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

/**
 * Applies every pending versioned migration in db/migrations, under node-pg-migrate's advisory lock. Processes started
 * together (several workers) take turns: one that finds the lock held waits for it rather than failing its start.
 */
export async function migrate(databaseUrl: string, log: Logger): Promise<void> {
  const deadline = Date.now() + 2 * 60_000;
  for (;;) {
    try {
      const applied = await runner({
        databaseUrl,
        dir: MIGRATIONS_DIR,
        direction: 'up',
        migrationsTable: 'schema_migrations',
        checkOrder: true,
        log: (message) => log.debug({ migrate: message }),
      });
      if (applied.length > 0) log.info({ migrations: applied.map((m) => m.name) }, 'database migrated');
      return;
    } catch (error) {
      if (!/Another migration is already running/.test((error as Error).message) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

const SEEDS_DIR = path.join(__dirname, 'seeds');

/** Demo data for a local engine (products to order); each seed inserts only what is missing. */
export async function seedDemoData(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const file of readdirSync(SEEDS_DIR)
      .filter((name) => name.endsWith('.sql'))
      .sort()) {
      await client.query(readFileSync(path.join(SEEDS_DIR, file), 'utf8'));
    }
  } finally {
    await client.end();
  }
}
