import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config';

/** A new state folder for a local engine; the embedded PostgreSQL, which runs as the `postgres` user, can enter it. */
export function freshStateDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** What a user may have configured, which an engine that starts everything itself must not use. */
const CONFIGURED = [
  'TEMPORAL_ADDRESS',
  'DATABASE_URL',
  'SMTP_URL',
  'CRM_URL',
  'HUBSPOT_ACCESS_TOKEN',
  'HUBSPOT_URL',
  'PIPEDRIVE_API_TOKEN',
  'PIPEDRIVE_URL',
  'SALESFORCE_LOGIN_URL',
  'SALESFORCE_CLIENT_ID',
  'SALESFORCE_CLIENT_SECRET',
  'LEGACY_ERP_URL',
  'IT_PORTAL_URL',
  'PAYROLL_PORTAL_URL',
  'ESIGN_URL',
  'WEBHOOK_SECRETS',
  'OFFICEFLOW_ENCRYPTION_KEY',
  'OFFICEFLOW_IDENTITY_KEY',
  'OIDC_ISSUER',
];

/** Every port officeflow may listen on, the engine's and each system's stand-in's: all of them free ones. */
const PORTS = Object.keys(loadConfig({})).filter((name) => name.endsWith('_PORT'));

/** Tests keep the stand-in portals' deliberate slowness short. */
export const QUICK_PORTALS = { LEGACY_ERP_STANDIN_SLOW_MS: '300', IT_PORTAL_STANDIN_SLOW_MS: '300', PAYROLL_PORTAL_STANDIN_SLOW_MS: '300' };

/** The environment of an engine that starts all its infrastructure itself, in `stateDir`, on free ports. */
export function localEngineEnv(stateDir: string, settings: Record<string, string> = QUICK_PORTALS): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OFFICEFLOW_STATE_DIR: stateDir, LOG_LEVEL: 'warn', ...settings };
  for (const port of PORTS) env[port] = '0';
  for (const configured of CONFIGURED) delete env[configured];
  return env;
}

/**
 * The Temporal server's clocks for Worker Versioning, short for tests: how soon a version with no open pinned runs is
 * reported drained, and how long a stopped worker's pollers are remembered (a version is retired only without them).
 */
export const TEST_TEMPORAL_DYNAMIC_CONFIG: Array<[string, string]> = [
  ['matching.wv.VersionDrainageStatusRefreshInterval', '1s'],
  ['matching.wv.VersionDrainageStatusVisibilityGracePeriod', '1s'],
  ['matching.PollerHistoryTTL', '3s'],
];
