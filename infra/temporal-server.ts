import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { findGo, goBinDir, goInstall, isExecutable, moduleDir } from './go';
import { localPort } from './ports';
import { spawnServer } from './process-group';
import { dynamicConfigValue, untilServing } from './temporal';

/**
 * The Temporal server itself (not the dev server), as a cluster runs it: built from Go modules, configured the way
 * the `temporalio/server` image configures itself, on PostgreSQL for persistence and visibility. `npm run test:cluster`
 * runs officeflow's integration suite against it.
 */

/** The newest server tag that `go install` accepts (no `replace` directive), matching the dev server of the CLI. */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const MODULE = `go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`;

/** Where the repository keeps what the compose stack and the cluster tests share. */
const DEPLOY = path.resolve(__dirname, '../deploy/temporal');

export interface TemporalServerBuild {
  /** `temporal-server`. */
  server: string;
  /** `temporal-sql-tool`, which creates and migrates the databases. */
  sqlTool: string;
  /** The server's module source: its `config/docker.yaml` is the image's configuration template. */
  source: string;
}

/** Builds the server and its SQL tool once (about two minutes) into Go's bin folder; later calls find them there. */
export function buildTemporalServer(log: Logger): TemporalServerBuild {
  const go = findGo();
  if (!go) throw new Error('building the Temporal server needs Go (https://go.dev/dl/), or run against a cluster you have');
  const binDir = path.join(goBinDir(go), `temporal-server-${TEMPORAL_SERVER_VERSION}`);
  const build = { server: path.join(binDir, 'server'), sqlTool: path.join(binDir, 'sql'), source: moduleDir(go, MODULE) };
  if (!isExecutable(build.server) || !isExecutable(build.sqlTool)) {
    log.info(`building the Temporal server ${TEMPORAL_SERVER_VERSION} and its SQL tool with go install (first run only, minutes)`);
    goInstall(
      go,
      [`go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION}`, `go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`],
      binDir,
    );
  }
  return build;
}

/** The PostgreSQL the server keeps its data in, as the `temporalio/server` image's variables name it. */
export interface TemporalDatabase {
  host: string;
  port: number;
  user: string;
  password: string;
}

const databaseEnv = (db: TemporalDatabase) => ({
  DB: 'postgres12',
  POSTGRES_SEEDS: db.host,
  DB_PORT: String(db.port),
  VISIBILITY_DB_PORT: String(db.port),
  POSTGRES_USER: db.user,
  POSTGRES_PWD: db.password,
});

/** Creates and migrates the server's two databases with `deploy/temporal/setup-postgres.sh`, as the compose stack's schema job does. */
export async function setUpTemporalDatabases(build: TemporalServerBuild, db: TemporalDatabase): Promise<void> {
  await promisify(execFile)('sh', [path.join(DEPLOY, 'setup-postgres.sh')], {
    env: { ...process.env, ...databaseEnv(db), SQL_TOOL: build.sqlTool },
  });
}

/**
 * A free port below 32768: the server keeps its services' membership ports in a smallint column, and the system's
 * free ports (0) come from the ephemeral range above it.
 */
async function membershipSafePort(): Promise<number> {
  for (;;) {
    const candidate = 10_000 + randomInt(22_000);
    const free = await localPort(candidate, 'port').catch(() => undefined);
    if (free) return free;
  }
}

export interface RunningTemporalServer {
  address: string;
  /** Where it serves its Prometheus metrics. */
  metricsPort: number;
  stop(): Promise<void>;
}

/**
 * Starts the server on localhost with every service in one process (frontend, history, matching, worker), on free
 * ports, configured by environment variables through the image's template; resolves once its frontend answers.
 */
export async function startTemporalServer(
  build: TemporalServerBuild,
  db: TemporalDatabase,
  { stateDir, dynamicConfig = [] }: { stateDir: string; dynamicConfig?: Array<[string, string]> },
): Promise<RunningTemporalServer> {
  const ports: Record<string, number> = {};
  for (const service of ['FRONTEND', 'HISTORY', 'MATCHING', 'WORKER']) {
    for (const kind of ['GRPC', 'MEMBERSHIP']) ports[`${service}_${kind}_PORT`] = await membershipSafePort();
  }
  ports.FRONTEND_HTTP_PORT = await membershipSafePort();
  const metricsPort = await localPort(0, 'TEMPORAL_METRICS_PORT');
  const server = spawnServer(build.server, ['--root', build.source, '--config', 'config', '--env', 'docker', 'start'], {
    env: {
      ...process.env,
      ...databaseEnv(db),
      ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
      BIND_ON_IP: '127.0.0.1',
      PROMETHEUS_ENDPOINT: `127.0.0.1:${metricsPort}`,
      TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
      DYNAMIC_CONFIG_FILE_PATH: dynamicConfigFile(stateDir, dynamicConfig),
      LOG_LEVEL: 'error',
    },
  });
  const address = `127.0.0.1:${ports.FRONTEND_GRPC_PORT}`;
  try {
    await untilServing(address, server.child, async (connection) => (await connection.healthService.check({})).status === 1, 120_000);
  } catch (error) {
    await server.stop('SIGKILL');
    throw new Error(`the Temporal server did not start: ${(error as Error).message}\n${server.lastWords()}`);
  }
  return { address, metricsPort, stop: () => server.stop() };
}

/** The compose stack's dynamic configuration, with `extra` values appended (a test cluster's short versioning clocks). */
function dynamicConfigFile(stateDir: string, extra: Array<[string, string]>): string {
  const deployed = path.join(DEPLOY, 'dynamicconfig.yaml');
  if (extra.length === 0) return deployed;
  const file = path.join(stateDir, 'dynamicconfig.yaml');
  const added = extra.map(([key, value]) => `${key}:\n  - value: ${dynamicConfigValue(value)}\n`).join('');
  writeFileSync(file, `${readFileSync(deployed, 'utf8')}\n${added}`);
  return file;
}
