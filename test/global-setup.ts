import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflows } from '../workers/worker';

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
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'officeflow-test-'));
  chmodSync(stateDir, 0o755); // the embedded PostgreSQL runs as the `postgres` user
  const envFile = path.join(stateDir, 'test-env.json');
  const settings: NodeJS.ProcessEnv = {
    ...process.env,
    OFFICEFLOW_STATE_DIR: stateDir,
    TEMPORAL_PORT: '0',
    TEMPORAL_UI_PORT: '0',
    POSTGRES_PORT: '0',
    MAIL_SINK_SMTP_PORT: '0',
    MAIL_SINK_HTTP_PORT: '0',
    CRM_STANDIN_PORT: '0',
    LEGACY_ERP_STANDIN_PORT: '0',
    LEGACY_ERP_STANDIN_SLOW_MS: '300',
    LOG_LEVEL: 'warn',
  };
  for (const configured of [
    'TEMPORAL_ADDRESS',
    'DATABASE_URL',
    'SMTP_URL',
    'CRM_URL',
    'LEGACY_ERP_URL',
    'WEBHOOK_SECRETS',
    'OFFICEFLOW_ENCRYPTION_KEY',
  ]) {
    delete settings[configured];
  }
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
}
