import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { type Config, ConfigError } from '../config';
import { migrate, seedDemoData } from '../db/migrate';
import { allSearchAttributes } from '../definitions';
import { generateWebhookSecret } from '../intake/webhook-auth';
import type { LegacyErpAccess } from '../activities/legacy-erp/robot';
import { startStandInCrm } from '../standins/crm';
import { startLegacyErpPortal } from '../standins/legacy-erp-portal';
import { startMailSink } from './mail-sink';
import { startLocalPostgres } from './postgres';
import { localPort } from './ports';
import { ensureStateDir, stateSecret } from './state';
import { type TemporalEndpoint, configuredTemporal, ensureSearchAttributes, startLocalTemporal } from './temporal';

/** Everything the engine connects to, configured or started here. */
export interface Infrastructure {
  temporal: TemporalEndpoint;
  databaseUrl: string;
  smtpUrl: string;
  /** Set when officeflow runs its own mail sink: where received mail can be read. */
  mailboxUrl?: string;
  crmUrl: string;
  legacyErp: LegacyErpAccess;
  webhookSecrets: string[];
  encryptionKeys: string;
  stop(): Promise<void>;
}

/**
 * Uses the infrastructure the environment names, and starts a real local stand-in for each part it does not:
 * a Temporal dev server, an embedded PostgreSQL, an SMTP mail sink, a stand-in CRM and legacy ERP portal.
 * Applies database migrations.
 */
export async function startInfrastructure(config: Config, log: Logger): Promise<Infrastructure> {
  const configured = configuredTemporal(config);
  const secrets = localSecrets(config, configured === undefined);
  const stops: Array<() => Promise<void>> = [];
  const started = async <T extends { stop(): Promise<void> }, R>(starting: Promise<T>, use: (service: T) => R): Promise<R> => {
    const service = await starting;
    stops.push(() => service.stop());
    return use(service);
  };
  try {
    const [temporal, databaseUrl, mail, crmUrl, legacyErp] = await Promise.all([
      configured ?? started(startLocalTemporal(config, allSearchAttributes(), log), (local) => local.endpoint),
      config.postgres.url ?? started(startLocalPostgres(config, log), (local) => local.url),
      config.mail.smtpUrl ? { smtpUrl: config.mail.smtpUrl, mailboxUrl: undefined } : started(startMailSink(config), (sink) => sink),
      config.crm.url ??
        started(
          localPort(config.crm.standInPort, 'CRM_STANDIN_PORT').then((port) => startStandInCrm(ensureStateDir(config.stateDir), port)),
          (crm) => crm.url,
        ),
      config.legacyErp.url
        ? ({ url: config.legacyErp.url, user: config.legacyErp.user!, password: config.legacyErp.password! } satisfies LegacyErpAccess)
        : (async () => {
            const access = { user: 'officeflow', password: stateSecret(config.stateDir, 'legacy-erp-password', () => randomBytes(12).toString('hex')) };
            const port = await localPort(config.legacyErp.standInPort, 'LEGACY_ERP_STANDIN_PORT');
            const portal = await started(startLegacyErpPortal({ dir: ensureStateDir(config.stateDir), port, slowPageMs: config.legacyErp.standInSlowPageMs, ...access }), (p) => p);
            return { url: portal.url, ...access };
          })(),
    ]);
    if (configured) await ensureSearchAttributes(configured, allSearchAttributes(), log);
    await migrate(databaseUrl, log);
    if (!config.postgres.url) await seedDemoData(databaseUrl);
    return {
      temporal,
      databaseUrl,
      smtpUrl: mail.smtpUrl,
      mailboxUrl: mail.mailboxUrl,
      crmUrl,
      legacyErp,
      ...secrets,
      stop: () => stopAll(stops),
    };
  } catch (error) {
    await stopAll(stops);
    throw error;
  }
}

async function stopAll(stops: Array<() => Promise<void>>): Promise<void> {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
}

/**
 * The webhook and payload-encryption secrets. On a configured cluster they must come from the environment, so
 * that every worker and intake instance shares them; a local engine generates and keeps its own.
 */
function localSecrets(config: Config, local: boolean): { webhookSecrets: string[]; encryptionKeys: string } {
  if (!local) {
    const missing = [
      config.intake.webhookSecrets.length === 0 && 'WEBHOOK_SECRETS',
      !config.encryptionKey && 'OFFICEFLOW_ENCRYPTION_KEY',
    ].filter(Boolean);
    if (missing.length > 0) throw new ConfigError(`TEMPORAL_ADDRESS is set, so ${missing.join(' and ')} must be set too`);
  }
  return {
    webhookSecrets:
      config.intake.webhookSecrets.length > 0
        ? config.intake.webhookSecrets
        : [stateSecret(config.stateDir, 'webhook-secret', generateWebhookSecret)],
    encryptionKeys: config.encryptionKey ?? stateSecret(config.stateDir, 'encryption-key', () => randomBytes(32).toString('base64')),
  };
}
