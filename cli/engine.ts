import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { STATEMENT_FOLDER } from '../activities/bank';
import type { Config } from '../config';
import { stateSecret } from '../infra/state';
import { connectClient, temporalEndpoint } from '../infra/temporal';
import { CommandRefused, EXIT } from './output';

/**
 * How the CLI reaches a running engine: its intake, its Temporal namespace (with the key that decrypts payloads), the
 * webhook secret events are signed with. Configured values first; on the engine's own machine, what `npm start` keeps
 * in its state folder.
 */

/** The engine's own intake, where the CLI talks to it unless told `--intake`. */
export const localIntakeUrl = (config: Config) => `http://${config.INTAKE_HOST}:${config.INTAKE_PORT}`;

/** The folder the engine's bank drops statements into: `BANK_STATEMENT_DIR`, else the local engine's, if it has one. */
export const localBankFolder = (config: Config): string | undefined => {
  const local = path.join(config.OFFICEFLOW_STATE_DIR, STATEMENT_FOLDER);
  return config.BANK_STATEMENT_DIR ?? (existsSync(local) ? local : undefined);
};

/** A secret the local engine generated into its state folder, or a one-line refusal naming the variable to set. */
function keptSecret(config: Config, name: string, variable: string): string {
  return stateSecret(config.OFFICEFLOW_STATE_DIR, name, () => {
    throw new CommandRefused(`no ${variable}: set it to the one the engine uses`);
  });
}

export const webhookSecret = (config: Config): string =>
  config.WEBHOOK_SECRETS[0] ?? keptSecret(config, 'webhook-secret', 'WEBHOOK_SECRETS');

/** The Temporal service of the engine: TEMPORAL_ADDRESS, or the local dev server `npm start` runs. */
export const engineTemporal = (config: Config) =>
  temporalEndpoint({ ...config, TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_PORT}` } as Config);

/** Runs `use` with a client of the engine's namespace that decrypts what it reads; closes it after. */
export async function withTemporal<T>(config: Config, use: (client: Client) => Promise<T>): Promise<T> {
  const temporal = engineTemporal(config);
  const keys = config.OFFICEFLOW_ENCRYPTION_KEY ?? keptSecret(config, 'encryption-key', 'OFFICEFLOW_ENCRYPTION_KEY');
  const client = await connectClient(temporal, keys).catch((error: Error) => {
    throw new CommandRefused(`Temporal is not reachable at ${temporal.address}: ${error.message}`, EXIT.unreachable);
  });
  try {
    return await use(client);
  } finally {
    await client.connection.close();
  }
}

/** Where an operator sees a run in the Temporal UI, when the engine runs its own (the local dev server's UI). */
export const uiLink = (config: Config, workflowId: string): string | undefined =>
  config.TEMPORAL_ADDRESS
    ? undefined
    : `http://127.0.0.1:${config.TEMPORAL_UI_PORT}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows/${encodeURIComponent(workflowId)}`;
