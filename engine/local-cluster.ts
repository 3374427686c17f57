import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { loadConfig } from '../config';
import { startLocalPostgres } from '../infra/postgres';
import { TEMPORAL_SERVER_VERSION, buildTemporalServer, setUpTemporalDatabases, startTemporalServer } from '../infra/temporal-server';
import { generateIdentityKey } from '../web/identity';
import { generateWebhookSecret } from '../web/events/webhook-auth';

export interface LocalCluster {
  /** What it is, for reports. */
  name: string;
  /** What officeflow needs to run against it: TEMPORAL_ADDRESS, the namespace, and the secrets a cluster requires. */
  settings: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * A Temporal server of its own on a PostgreSQL of its own (in `stateDir`), its databases, namespace and search
 * attributes set up by the same commands as docker-compose.yml's setup jobs: what `npm run test:cluster` tests
 * against and `npm run bench -- --cluster` measures.
 */
export async function startLocalCluster(
  stateDir: string,
  log: Logger,
  say: (line: string) => void = () => {},
  dynamicConfig: Array<[string, string]> = [],
): Promise<LocalCluster> {
  const build = buildTemporalServer(log);
  const postgres = await startLocalPostgres(loadConfig({ OFFICEFLOW_STATE_DIR: stateDir, POSTGRES_PORT: '0' }), log);
  const { username, password, port } = new URL(postgres.url);
  const db = { host: '127.0.0.1', port: Number(port), user: username, password: decodeURIComponent(password) };
  try {
    say('creating and migrating the databases temporal and temporal_visibility (deploy/temporal/setup-postgres.sh)');
    await setUpTemporalDatabases(build, db);
    const server = await startTemporalServer(build, db, { stateDir, dynamicConfig });
    try {
      say(`Temporal server ${server.address} serving; the namespace and search attributes (officeflow temporal-setup)`);
      const settings = {
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_METRICS_PORT: String(server.metricsPort),
        TEMPORAL_NAMESPACE: 'default',
        WEBHOOK_SECRETS: generateWebhookSecret(),
        OFFICEFLOW_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        OFFICEFLOW_IDENTITY_KEY: generateIdentityKey(),
      };
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'temporal-setup'], {
        cwd: path.resolve(__dirname, '..'),
        env: { ...process.env, ...settings, LOG_LEVEL: 'warn' },
      });
      say(stdout.trim());
      return {
        name: `Temporal server ${TEMPORAL_SERVER_VERSION} on PostgreSQL${dynamicConfig.length ? ` (${dynamicConfig.map((pair) => pair.join('=')).join(', ')})` : ''}`,
        settings,
        async stop() {
          await server.stop();
          await postgres.stop();
        },
      };
    } catch (error) {
      await server.stop();
      throw error;
    }
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}
