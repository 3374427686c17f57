import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { loadConfig } from '../../config';
import { startLocalPostgres } from '../../infra/postgres';
import { buildTemporalServer, setUpTemporalDatabases, startTemporalServer } from '../../infra/temporal-server';
import { generateIdentityKey } from '../../intake/identity';
import { generateWebhookSecret } from '../../intake/webhook-auth';
import { freshStateDir } from '../support/local-env';

/**
 * `npm run test:cluster`: officeflow's integration suite against the Temporal server itself rather than the dev
 * server — built from Go modules, on PostgreSQL with SQL visibility, its databases, namespace and search attributes
 * set up by the same commands as docker-compose.yml's setup jobs — reached through TEMPORAL_ADDRESS like any cluster.
 */
const root = path.resolve(__dirname, '../..');
const log = pino({ level: 'info' });
const say = (line: string) => console.log(`test:cluster: ${line}`);

async function main(): Promise<number> {
  const started = Date.now();
  const build = buildTemporalServer(log);
  const stateDir = freshStateDir('officeflow-cluster-');
  const postgres = await startLocalPostgres(loadConfig({ OFFICEFLOW_STATE_DIR: stateDir, POSTGRES_PORT: '0' }), log);
  const { username, password, port } = new URL(postgres.url);
  const db = { host: '127.0.0.1', port: Number(port), user: username, password: decodeURIComponent(password) };
  try {
    say('creating and migrating the databases temporal and temporal_visibility (deploy/temporal/setup-postgres.sh)');
    await setUpTemporalDatabases(build, db);
    const server = await startTemporalServer(build, db);
    try {
      say(`Temporal server ${server.address} serving; the namespace and search attributes (officeflow temporal-setup)`);
      const cluster = {
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_NAMESPACE: 'default',
        WEBHOOK_SECRETS: generateWebhookSecret(),
        OFFICEFLOW_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        OFFICEFLOW_IDENTITY_KEY: generateIdentityKey(),
      };
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'temporal-setup'], {
        cwd: root,
        env: { ...process.env, ...cluster, LOG_LEVEL: 'warn' },
      });
      say(stdout.trim());
      say(`set up in ${((Date.now() - started) / 1000).toFixed(0)} s; the integration suite against it`);
      // The integration and replay tests, or the test files named on the command line.
      const files = process.argv.length > 2 ? process.argv.slice(2) : ['test/integration', 'test/replay'];
      const suite = spawn('bash', ['scripts/test.sh', ...files], {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, ...Object.fromEntries(Object.entries(cluster).map(([name, value]) => [`OFFICEFLOW_TEST_${name}`, value])) },
      });
      const code = await new Promise<number>((resolve) => suite.once('exit', (exitCode) => resolve(exitCode ?? 1)));
      say(`done in ${((Date.now() - started) / 60_000).toFixed(1)} minutes`);
      return code;
    } finally {
      await server.stop();
    }
  } finally {
    await postgres.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
