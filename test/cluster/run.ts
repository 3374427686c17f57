import { spawn } from 'node:child_process';
import path from 'node:path';
import pino from 'pino';
import { startLocalCluster } from '../../engine/local-cluster';
import { TEST_TEMPORAL_DYNAMIC_CONFIG, freshStateDir } from '../support/local-env';

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
  const cluster = await startLocalCluster(freshStateDir('officeflow-cluster-'), log, say, TEST_TEMPORAL_DYNAMIC_CONFIG);
  try {
    say(`set up in ${((Date.now() - started) / 1000).toFixed(0)} s; the integration suite against it`);
    // The integration and replay tests, or the test files named on the command line.
    const files = process.argv.length > 2 ? process.argv.slice(2) : ['test/integration', 'test/replay'];
    const suite = spawn('bash', ['scripts/test.sh', ...files], {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        ...Object.fromEntries(Object.entries(cluster.settings).map(([name, value]) => [`OFFICEFLOW_TEST_${name}`, value])),
      },
    });
    const code = await new Promise<number>((resolve) => suite.once('exit', (exitCode) => resolve(exitCode ?? 1)));
    say(`done in ${((Date.now() - started) / 60_000).toFixed(1)} minutes`);
    return code;
  } finally {
    await cluster.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
