import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { type SearchAttributeKey, encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import { type Config, ConfigError } from '../config';
import { dataConverter } from '../codec/data-converter';
import { localPort } from './ports';
import { ensureStateDir } from './state';
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

/**
 * Starts the Temporal dev server (with its Web UI) persisted to a SQLite file in the state folder,
 * registering every custom search attribute the processes use.
 */
export async function startLocalTemporal(
  config: Config,
  searchAttributes: SearchAttributeKey<SearchAttributeType>[],
  log: Logger,
): Promise<LocalTemporal> {
  const cli = resolveTemporalCli(config.TEMPORAL_CLI_PATH, log);
  const dir = ensureStateDir(config.OFFICEFLOW_STATE_DIR, 'temporal');
  if (!cli) log.warn('no Temporal CLI and no Go toolchain found: downloading the Temporal dev server');
  const namespace = config.TEMPORAL_NAMESPACE;
  const port = await localPort(config.TEMPORAL_PORT, 'TEMPORAL_PORT');
  const uiPort = await localPort(config.TEMPORAL_UI_PORT, 'TEMPORAL_UI_PORT');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: cli ? { type: 'existing-path', path: cli } : { type: 'cached-download', downloadDir: dir },
      dbFilename: path.join(dir, 'temporal.db'),
      ip: '127.0.0.1',
      port,
      ui: true,
      uiPort,
      namespace,
      searchAttributes,
      log: { format: 'json', level: 'error' },
      // The UI decrypts payloads in the operator's browser through the intake's codec endpoint.
      extraArgs: config.INTAKE_PORT ? ['--ui-codec-endpoint', `http://127.0.0.1:${config.INTAKE_PORT}/codec`] : [],
    },
  });
  return { address: env.address, port, uiPort, uiUrl: `http://127.0.0.1:${uiPort}`, stop: () => env.teardown() };
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

export function connectWorkerConnection(endpoint: TemporalEndpoint): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(endpoint));
}

/**
 * Registers the processes' custom search attributes on a configured cluster, once. A cluster that refuses
 * (Temporal Cloud manages them in its own console) gets a warning that names what to add.
 */
export async function ensureSearchAttributes(
  endpoint: TemporalEndpoint,
  keys: SearchAttributeKey<SearchAttributeType>[],
  log: Logger,
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
    log.warn({ err: error }, `could not register search attributes; add them to namespace ${endpoint.namespace}: ${wanted}`);
  } finally {
    await connection.close();
  }
}
