import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { systems } from '../activities';
import type { ConnectedSystem, RunningStandIn } from '../activities/system';
import { type Config, ConfigError, loadConfig, publicUrl } from '../config';
import { migrate, seedDemoData } from '../db/migrate';
import { allSearchAttributes } from '../definitions';
import { generateIdentityKey } from '../web/identity';
import { generateWebhookSecret } from '../web/events/webhook-auth';
import { type Part, stopParts } from '../infra/parts';
import { startLocalPostgres } from '../infra/postgres';
import { stateSecret } from '../infra/state';
import { ensureSearchAttributes, startLocalTemporal, temporalEndpoint } from '../infra/temporal';

type Shown = RunningStandIn['shown'];

/** Everything the engine connects to, configured or started here. */
export interface Infrastructure {
  /** The configuration with every part officeflow started filled in. */
  config: Config;
  /** The environment variables that point at what was started, and the generated secrets (`officeflow infra` writes them). */
  settings: Record<string, string>;
  /** Where people look, as `npm start` prints it. */
  shown: Shown[];
  /** Set when officeflow started the Temporal dev server with its Web UI. */
  localUiUrl?: string;
  /** The names of the parts officeflow started, as `stop` reports them ("PostgreSQL", "crm stand-in"). */
  started: string[];
  /**
   * Stops a part officeflow started and, after `downMs`, starts it again where it was: the same ports, the same data.
   * How the chaos run takes a server away from running processes.
   */
  restart(name: string, downMs?: number): Promise<void>;
  /** Stops what was started, reporting each part. */
  stop(report?: (line: string) => void): Promise<void>;
}

type Started = { settings: Record<string, string>; shown?: Shown; stop(): Promise<void> };

/**
 * Uses the infrastructure the environment names, and starts a real local stand-in for each part it does not: a
 * Temporal dev server, an embedded PostgreSQL, and each connected system's stand-in (mail sink, CRM, legacy ERP
 * portal). Applies database migrations, and registers the search attributes on a configured cluster.
 */
export async function startInfrastructure(env: NodeJS.ProcessEnv, log: Logger): Promise<Infrastructure> {
  const config = loadConfig(env);
  const settings = { ...localSecrets(config), ...localPeople(config) };
  // Stopped newest first.
  const parts: Array<Part & { start(config: Config): Promise<Started> }> = [];
  let localUiUrl: string | undefined;
  /** Starts a part, keeps it to stop (or restart) it, and returns the settings that point at it. */
  const started = async (name: string, start: (config: Config) => Promise<Started>) => {
    const { settings: pointers, shown, stop } = await start(config);
    parts.unshift({ name, start, stop });
    Object.assign(settings, pointers);
    return shown;
  };
  try {
    const shown = await Promise.all([
      config.TEMPORAL_ADDRESS
        ? undefined
        : started('Temporal dev server', (config) =>
            startLocalTemporal(config, allSearchAttributes(), log).then((temporal) => {
              localUiUrl = temporal.uiUrl;
              return {
                settings: {
                  TEMPORAL_ADDRESS: temporal.address,
                  TEMPORAL_PORT: String(temporal.port),
                  TEMPORAL_UI_PORT: String(temporal.uiPort),
                  TEMPORAL_METRICS_PORT: String(temporal.metricsPort),
                },
                shown: { label: 'Temporal UI', value: `${temporal.uiUrl}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows` },
                stop: temporal.stop,
              };
            }),
          ),
      config.DATABASE_URL
        ? undefined
        : started('PostgreSQL', (config) =>
            startLocalPostgres(config, log).then((postgres) => ({
              settings: { DATABASE_URL: postgres.url, POSTGRES_PORT: String(postgres.port) },
              stop: postgres.stop,
            })),
          ),
      ...systems
        .map((system) => system as ConnectedSystem<Config, object>)
        .filter((system) => system.standIn?.needed(config))
        .map((system) =>
          started(`${system.name} stand-in`, (config) =>
            system.standIn!.start(config, {
              stateDir: config.OFFICEFLOW_STATE_DIR,
              webhookSecret: config.WEBHOOK_SECRETS[0] ?? settings.WEBHOOK_SECRETS.split(',')[0],
              intakeUrl: publicUrl(config),
            }),
          ),
        ),
    ]);
    const resolved = loadConfig({ ...env, ...settings });
    if (config.TEMPORAL_ADDRESS) await ensureSearchAttributes(temporalEndpoint(resolved), allSearchAttributes(), log);
    await migrate(resolved.DATABASE_URL!, log);
    if (!config.DATABASE_URL) await seedDemoData(resolved.DATABASE_URL!);
    return {
      config: resolved,
      settings,
      shown: shown.filter((line) => line !== undefined),
      localUiUrl,
      started: parts.map((part) => part.name),
      async restart(name, downMs = 0) {
        const part = parts.find((candidate) => candidate.name === name);
        if (!part) throw new Error(`officeflow did not start ${name}: it started ${parts.map((p) => p.name).join(', ')}`);
        await part.stop();
        await new Promise((resolve) => setTimeout(resolve, downMs));
        // Where it ran before: the ports it was given are in the settings now.
        part.stop = (await part.start(resolved)).stop;
      },
      stop: (report) => stopParts(parts, report),
    };
  } catch (error) {
    await stopParts(parts);
    throw error;
  }
}

/** On the local engine, whoever runs it may repair runs and read trails as these two, unless configured otherwise. */
export const LOCAL_OPERATOR = 'operator@officeflow.example';
export const LOCAL_AUDITOR = 'auditor@officeflow.example';

function localPeople(config: Config): Record<string, string> {
  if (config.TEMPORAL_ADDRESS) return {};
  return {
    OFFICEFLOW_OPERATORS: config.OFFICEFLOW_OPERATORS.join(',') || LOCAL_OPERATOR,
    OFFICEFLOW_AUDITORS: config.OFFICEFLOW_AUDITORS.join(',') || LOCAL_AUDITOR,
  };
}

/**
 * The webhook, payload-encryption and token-signing secrets. On a configured cluster they must come from the
 * environment, so that every worker and intake instance shares them; a local engine generates and keeps its own.
 */
function localSecrets(config: Config): Record<string, string> {
  const ownIssuer = !config.OIDC_ISSUER;
  if (config.TEMPORAL_ADDRESS) {
    const missing = [
      config.WEBHOOK_SECRETS.length === 0 && Object.keys(config.WEBHOOK_SENDERS).length === 0 && 'WEBHOOK_SENDERS (or WEBHOOK_SECRETS)',
      !config.OFFICEFLOW_ENCRYPTION_KEY && 'OFFICEFLOW_ENCRYPTION_KEY',
      ownIssuer && !config.OFFICEFLOW_IDENTITY_KEY && 'OIDC_ISSUER (or OFFICEFLOW_IDENTITY_KEY)',
    ].filter(Boolean);
    if (missing.length > 0) throw new ConfigError(`TEMPORAL_ADDRESS is set, so ${missing.join(' and ')} must be set too`);
    return {};
  }
  const state = config.OFFICEFLOW_STATE_DIR;
  return {
    WEBHOOK_SECRETS:
      config.WEBHOOK_SECRETS.length > 0 ? config.WEBHOOK_SECRETS.join(',') : stateSecret(state, 'webhook-secret', generateWebhookSecret),
    OFFICEFLOW_ENCRYPTION_KEY:
      config.OFFICEFLOW_ENCRYPTION_KEY ?? stateSecret(state, 'encryption-key', () => randomBytes(32).toString('base64')),
    ...(ownIssuer
      ? { OFFICEFLOW_IDENTITY_KEY: config.OFFICEFLOW_IDENTITY_KEY ?? stateSecret(state, 'identity-key', generateIdentityKey) }
      : {}),
  };
}
