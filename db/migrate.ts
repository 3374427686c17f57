import path from 'node:path';
import { runner } from 'node-pg-migrate';
import type { Logger } from 'pino';

const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

/** Applies every pending versioned migration in db/migrations, under node-pg-migrate's advisory lock. */
export async function migrate(databaseUrl: string, log: Logger): Promise<void> {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'schema_migrations',
    checkOrder: true,
    log: (message) => log.debug({ migrate: message }),
  });
  if (applied.length > 0) log.info({ migrations: applied.map((m) => m.name) }, 'database migrated');
}
