import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection, type ConnectionOptions, isGrpcServiceError } from '@temporalio/client';
import type { Duration, SearchAttributeType } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';
import { type SearchAttributeKey, encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import type { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import { type Config, ConfigError } from '../config';
import { dataConverter } from '../codec/data-converter';
import { localPort } from './ports';
import { ensureStateDir } from './state';
import { spawnServer } from './process-group';
import { resolveTemporalCli } from './temporal-cli';

/** Where the Temporal service is and how to reach it; the same shape for a configured cluster and a local dev server. */
export interface TemporalEndpoint {
  address: string;
  namespace: string;
  tls: boolean;
  tlsCertPath?: string;
  tlsKeyPath?: string;
  apiKey?: string;
}

export interface LocalTemporal {
  address: string;
  port: number;
  uiPort: number;
  uiUrl: string;
  /** Where the server's Prometheus metrics are (`/metrics`). */
  metricsPort: number;
  stop(): Promise<void>;
}

/** The Temporal service the configuration names; TLS is on when asked for, or implied by a certificate or API key. */
export function temporalEndpoint(config: Config): TemporalEndpoint {
  if (!config.TEMPORAL_ADDRESS) throw new ConfigError('set TEMPORAL_ADDRESS');
  return {
    address: config.TEMPORAL_ADDRESS,
    namespace: config.TEMPORAL_NAMESPACE,
    tls: config.TEMPORAL_TLS || Boolean(config.TEMPORAL_TLS_CERT_PATH) || Boolean(config.TEMPORAL_API_KEY),
    tlsCertPath: config.TEMPORAL_TLS_CERT_PATH,
    tlsKeyPath: config.TEMPORAL_TLS_KEY_PATH,
    apiKey: config.TEMPORAL_API_KEY,
  };
}

/** The gRPC status codes Temporal refuses with, by name (https://grpc.io/docs/guides/status-codes/). */
export const GRPC = { invalidArgument: 3, notFound: 5, failedPrecondition: 9 } as const;

/** What Temporal's client throws for a refused call (grpc-js's ServiceError, which the client does not export). */
type GrpcServiceError = typeof isGrpcServiceError extends (error: unknown) => error is infer E ? E : never;

/** Whether Temporal refused a call with one of these gRPC status codes. */
export const refusedWith = (error: unknown, ...codes: number[]): error is GrpcServiceError =>
  isGrpcServiceError(error) && codes.includes(error.code);

/** The CLI's name of a search attribute type: `KEYWORD_LIST` is `KeywordList`. */
const cliType = (type: SearchAttributeType): string =>
  type
    .toLowerCase()
    .split('_')
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('');

/**
 * Starts the Temporal dev server (with its Web UI) persisted to a SQLite file in the state folder, registering every
 * custom search attribute the processes use. The Temporal CLI runs in a process group of its own; without a CLI or
 * Go, the SDK downloads the same server and runs it itself.
 */
export async function startLocalTemporal(
  config: Config,
  searchAttributes: SearchAttributeKey<SearchAttributeType>[],
  log: Logger,
): Promise<LocalTemporal> {
  const cli = resolveTemporalCli(config.TEMPORAL_CLI_PATH, log);
  const freePorts = config.TEMPORAL_PORT === 0 || config.TEMPORAL_UI_PORT === 0 || config.TEMPORAL_METRICS_PORT === 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDevServer(config, searchAttributes, log, cli);
    } catch (error) {
      // A free port picked here may be taken by another process (a test run beside this one) before the server binds
      // it: the server starts again on ports picked afresh.
      if (!(freePorts && attempt < 3 && String(error).includes('address already in use'))) throw error;
      log.warn({ attempt }, 'a port of the Temporal dev server was taken meanwhile: starting it on other ports');
    }
  }
}

async function startDevServer(
  config: Config,
  searchAttributes: SearchAttributeKey<SearchAttributeType>[],
  log: Logger,
  cli: string | undefined,
): Promise<LocalTemporal> {
  const dir = ensureStateDir(config.OFFICEFLOW_STATE_DIR, 'temporal');
  const namespace = config.TEMPORAL_NAMESPACE;
  const port = await localPort(config.TEMPORAL_PORT, 'TEMPORAL_PORT');
  const uiPort = await localPort(config.TEMPORAL_UI_PORT, 'TEMPORAL_UI_PORT');
  const metricsPort = await localPort(config.TEMPORAL_METRICS_PORT, 'TEMPORAL_METRICS_PORT');
  const dbFilename = path.join(dir, 'temporal.db');
  // The UI decrypts payloads in the operator's browser through officeflow's codec endpoint.
  const codecArgs = config.CODEC_PORT ? ['--ui-codec-endpoint', `http://127.0.0.1:${config.CODEC_PORT}/codec`] : [];
  // SQLite in WAL mode, synced at checkpoints: a durable write costs no fsync of its own, so the dev server takes about
  // twice the starts a second (`npm run bench`); a killed server loses nothing, only a machine's power cut could.
  const sqliteArgs = ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'];
  const dynamicConfig = config.TEMPORAL_DYNAMIC_CONFIG.flatMap(([key, value]) => [
    '--dynamic-config-value',
    `${key}=${dynamicConfigValue(value)}`,
  ]);
  const extraArgs = [...codecArgs, ...sqliteArgs, ...dynamicConfig, '--metrics-port', String(metricsPort)];
  const local = { port, uiPort, uiUrl: `http://127.0.0.1:${uiPort}`, metricsPort };
  if (!cli) {
    log.warn('no Temporal CLI and no Go toolchain found: downloading the Temporal dev server');
    // Loaded only here: the SDK's test environment is heavy, and only this fallback needs it.
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'cached-download', downloadDir: dir },
        ...{ dbFilename, ip: '127.0.0.1', port, ui: true, uiPort, namespace, searchAttributes, extraArgs },
        log: { format: 'json', level: 'error' },
      },
    });
    return { ...local, address: env.address, stop: () => env.teardown() };
  }
  const address = `127.0.0.1:${port}`;
  const server = spawnServer(cli, [
    ...['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--ui-port', String(uiPort)],
    ...['--db-filename', dbFilename, '--namespace', namespace, '--log-format', 'json', '--log-level', 'error'],
    ...searchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=${cliType(key.type)}`]),
    ...extraArgs,
  ]);
  try {
    // Serving once the namespace answers with every search attribute registered.
    await untilServing(
      address,
      server.child,
      async (connection) => {
        const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
        return searchAttributes.every((key) => key.name in (customAttributes ?? {}));
      },
      60_000,
    );
  } catch (error) {
    await server.stop('SIGKILL');
    throw new Error(`the Temporal dev server did not start: ${(error as Error).message}\n${server.lastWords()}`);
  }
  return { ...local, address, stop: () => server.stop() };
}

/**
 * Waits until a Temporal server officeflow started answers `ready` (asked on a fresh connection each time) within
 * `limitMs`; throws as soon as the server's process exits.
 */
export async function untilServing(
  address: string,
  child: ChildProcess,
  ready: (connection: Connection) => Promise<boolean>,
  limitMs: number,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`it exited with code ${child.exitCode}`);
    const answered = await Connection.connect({ address, connectTimeout: 1000 })
      .then(async (connection) => {
        try {
          return await ready(connection);
        } finally {
          await connection.close();
        }
      })
      .catch(() => false);
    if (answered) return;
    if (Date.now() > deadline) throw new Error(`it did not answer within ${limitMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function connectionOptions(endpoint: TemporalEndpoint): ConnectionOptions & { apiKey?: string } {
  const clientCertPair =
    endpoint.tlsCertPath && endpoint.tlsKeyPath
      ? { crt: readFileSync(endpoint.tlsCertPath), key: readFileSync(endpoint.tlsKeyPath) }
      : undefined;
  return {
    address: endpoint.address,
    tls: endpoint.tls ? { clientCertPair } : undefined,
    apiKey: endpoint.apiKey,
  };
}

export async function connectClient(endpoint: TemporalEndpoint, encryptionKeys: string): Promise<Client> {
  const connection = await Connection.connect(connectionOptions(endpoint));
  return new Client({ connection, namespace: endpoint.namespace, dataConverter: dataConverter(encryptionKeys) });
}

export async function connectWorkerConnection(endpoint: TemporalEndpoint): Promise<NativeConnection> {
  // The worker's native module, loaded by what runs workers only.
  const { NativeConnection } = await import('@temporalio/worker');
  return NativeConnection.connect(connectionOptions(endpoint));
}

/**
 * Registers the processes' custom search attributes on a configured cluster, once. A cluster that refuses
 * (Temporal Cloud manages them in its own console) gets a warning that names what to add; with `strict`, an error.
 */
export async function ensureSearchAttributes(
  endpoint: TemporalEndpoint,
  keys: SearchAttributeKey<SearchAttributeType>[],
  log: Logger,
  { strict = false } = {},
): Promise<void> {
  const connection = await Connection.connect(connectionOptions(endpoint));
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: endpoint.namespace });
    const missing = keys.filter((key) => !(key.name in (customAttributes ?? {})));
    if (missing.length === 0) return;
    const searchAttributes = Object.fromEntries(missing.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]));
    await connection.operatorService.addSearchAttributes({ namespace: endpoint.namespace, searchAttributes });
    log.info({ searchAttributes: missing.map((key) => key.name) }, 'search attributes registered');
  } catch (error) {
    const wanted = keys.map((key) => `${key.name} (${key.type})`).join(', ');
    const message = `could not register search attributes; add them to namespace ${endpoint.namespace}: ${wanted}`;
    if (strict) throw new Error(`${message}: ${(error as Error).message}`);
    log.warn({ err: error }, message);
  } finally {
    await connection.close();
  }
}

/**
 * Makes a Temporal cluster ready for officeflow, once, before any worker or intake starts (`officeflow temporal-setup`,
 * the compose stack's setup job): the namespace, created or given the retention asked for (how long closed runs stay
 * searchable), and every search attribute the processes use. Safe to run again.
 */
export async function setUpNamespace(
  endpoint: TemporalEndpoint,
  { retention, searchAttributes }: { retention: Duration; searchAttributes: SearchAttributeKey<SearchAttributeType>[] },
  log: Logger,
): Promise<void> {
  const connection = await Connection.connect(connectionOptions(endpoint));
  const { namespace } = endpoint;
  const retentionTtl = msToTs(retention);
  try {
    const existing = await connection.workflowService.describeNamespace({ namespace }).catch((error: unknown) => {
      if (refusedWith(error, GRPC.notFound)) return undefined;
      throw error;
    });
    if (!existing) {
      await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: retentionTtl });
      log.info({ namespace, retention }, 'namespace created');
    } else if (Number(existing.config?.workflowExecutionRetentionTtl?.seconds ?? 0) !== Number(retentionTtl.seconds)) {
      await connection.workflowService.updateNamespace({ namespace, config: { workflowExecutionRetentionTtl: retentionTtl } });
      log.info({ namespace, retention }, 'namespace retention set');
    }
    // A new namespace reaches every service's cache within seconds (the operator service's last): wait until it does.
    const deadline = Date.now() + 60_000;
    const served = () =>
      connection.operatorService.listSearchAttributes({ namespace }).then(
        () => true,
        () => false,
      );
    while (!(await served())) {
      if (Date.now() > deadline) throw new Error(`namespace ${namespace} was not served within a minute`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await connection.close();
  }
  await ensureSearchAttributes(endpoint, searchAttributes, log, { strict: true });
}

/** A dynamic-config value as the server reads it (JSON): numbers and booleans as they are, anything else a string. */
export const dynamicConfigValue = (value: string): string => (/^(-?\d+(\.\d+)?|true|false)$/.test(value) ? value : JSON.stringify(value));
