import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { handOutToChildren, localPort } from '../infra/ports';
import { bundleWorkflows } from '../workers/worker';
import { TEST_TEMPORAL_DYNAMIC_CONFIG, freshStateDir, localEngineEnv } from './support/local-env';

/** What a cluster run of the suite sets (as OFFICEFLOW_TEST_<name>): the cluster, and the secrets every part shares. */
const CLUSTER_SETTINGS = [
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'WEBHOOK_SECRETS',
  'OFFICEFLOW_ENCRYPTION_KEY',
  'OFFICEFLOW_IDENTITY_KEY',
];

/** How long the first run may take: it may build the Temporal CLI from Go modules. */
const STARTUP_LIMIT_MS = 20 * 60_000;

declare global {
  var officeflowInfra: { child: ChildProcess; stateDir: string } | undefined;
}

/**
 * Starts one set of real infrastructure for the whole run (Temporal dev server, PostgreSQL, SMTP sink) through
 * `officeflow infra`, the same code `npm start` uses, on free ports and in a fresh state folder; and bundles
 * the workflows once for every test's workers.
 */
export default async function globalSetup(): Promise<void> {
  const stateDir = freshStateDir('officeflow-test-');
  const envFile = path.join(stateDir, 'test-env.json');
  // `npm run test:cluster` points the suite at a Temporal cluster: the same settings a deployment gives every part.
  const cluster = Object.fromEntries(
    CLUSTER_SETTINGS.flatMap((name) => (process.env[`OFFICEFLOW_TEST_${name}`] ? [[name, process.env[`OFFICEFLOW_TEST_${name}`]!]] : [])),
  );
  Object.assign(process.env, cluster);
  // The local UI decrypts through a codec endpoint at a port known before the dev server starts (test/ui serves it).
  const codecPort = String(await localPort(0, 'CODEC_PORT'));
  // Jest's workers pick ports of their own for minutes before test/ui binds this one.
  handOutToChildren(Number(codecPort));
  const settings = {
    ...localEngineEnv(stateDir),
    CODEC_PORT: codecPort,
    TEMPORAL_DYNAMIC_CONFIG: TEST_TEMPORAL_DYNAMIC_CONFIG.map((pair) => pair.join('=')).join(','),
    ...cluster,
  };
  const root = path.resolve(__dirname, '..');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'cli/main.ts'), 'infra', '--settings-file', envFile, '--stop-when-stdin-closes'],
    { cwd: root, env: settings, stdio: ['pipe', process.stderr, process.stderr] },
  );
  globalThis.officeflowInfra = { child, stateDir };
  const started = Date.now();
  while (!existsSync(envFile)) {
    if (child.exitCode !== null) throw new Error(`officeflow infra exited with code ${child.exitCode} before it was ready`);
    if (Date.now() - started > STARTUP_LIMIT_MS) throw new Error('officeflow infra did not become ready in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const bundle = await bundleWorkflows();
  writeFileSync(path.join(stateDir, 'workflow-bundle.js'), bundle.code);
  process.env.OFFICEFLOW_TEST_STATE = stateDir;
  process.env.OFFICEFLOW_TEST_CODEC_PORT = codecPort;
}
