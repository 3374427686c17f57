import path from 'node:path';
import { z } from 'zod';

/** Every setting officeflow reads from the environment, checked once at start. */
const envSchema = z.object({
  OFFICEFLOW_STATE_DIR: z.string().min(1).default('.officeflow'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TLS: z.stringbool().default(false),
  TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  TEMPORAL_PORT: z.coerce.number().int().min(0).max(65535).default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(0).max(65535).default(8233),
  TASK_QUEUE_SUFFIX: z.string().regex(/^[a-z0-9-]*$/, 'must be lower-case letters, digits and dashes').default(''),

  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  POSTGRES_PORT: z.coerce.number().int().min(0).max(65535).default(5433),

  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().min(3).default('officeflow <officeflow@localhost>'),
  MAIL_SINK_SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(2525),
  MAIL_SINK_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8025),

  CHROME_PATH: z.string().min(1).default('/usr/bin/chromium'),

  CRM_URL: z.url({ protocol: /^https?$/ }).optional(),
  CRM_STANDIN_PORT: z.coerce.number().int().min(0).max(65535).default(8090),

  LEGACY_ERP_URL: z.url({ protocol: /^https?$/ }).optional(),
  LEGACY_ERP_USER: z.string().min(1).optional(),
  LEGACY_ERP_PASSWORD: z.string().min(1).optional(),
  LEGACY_ERP_STANDIN_PORT: z.coerce.number().int().min(0).max(65535).default(8091),
  LEGACY_ERP_STANDIN_SLOW_MS: z.coerce.number().int().min(0).max(60_000).default(1500),

  INTAKE_HOST: z.string().min(1).default('127.0.0.1'),
  INTAKE_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  WEBHOOK_SECRETS: z.string().min(1).optional(),

  OFFICEFLOW_ENCRYPTION_KEY: z.string().min(1).optional(),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  stateDir: string;
  logLevel: Env['LOG_LEVEL'];
  temporal: {
    /** Unset: officeflow starts a local dev server. */
    address?: string;
    namespace: string;
    tls: boolean;
    tlsCertPath?: string;
    tlsKeyPath?: string;
    apiKey?: string;
    cliPath?: string;
    localPort: number;
    localUiPort: number;
    /** Appended to every process's task queue, so several environments can share one namespace. */
    taskQueueSuffix: string;
  };
  postgres: { url?: string; localPort: number };
  mail: { smtpUrl?: string; from: string; sinkSmtpPort: number; sinkHttpPort: number };
  chromePath: string;
  /** Unset url: officeflow starts its stand-in CRM. */
  crm: { url?: string; standInPort: number };
  /** Unset url: officeflow starts its stand-in portal. */
  legacyErp: { url?: string; user?: string; password?: string; standInPort: number; standInSlowPageMs: number };
  intake: { host: string; port: number; webhookSecrets: string[] };
  encryptionKey?: string;
}

export class ConfigError extends Error {}

/** Reads the environment once; a bad value names the variable and what it must be. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blankAsUnset = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(blankAsUnset);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`officeflow cannot start: fix these environment variables\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  if (e.LEGACY_ERP_URL && !(e.LEGACY_ERP_USER && e.LEGACY_ERP_PASSWORD)) {
    throw new ConfigError('officeflow cannot start: LEGACY_ERP_URL needs LEGACY_ERP_USER and LEGACY_ERP_PASSWORD');
  }
  if (Boolean(e.TEMPORAL_TLS_CERT_PATH) !== Boolean(e.TEMPORAL_TLS_KEY_PATH)) {
    throw new ConfigError('officeflow cannot start: set both TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH, or neither');
  }
  return {
    stateDir: path.resolve(e.OFFICEFLOW_STATE_DIR),
    logLevel: e.LOG_LEVEL,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      tls: e.TEMPORAL_TLS || Boolean(e.TEMPORAL_TLS_CERT_PATH) || Boolean(e.TEMPORAL_API_KEY),
      tlsCertPath: e.TEMPORAL_TLS_CERT_PATH,
      tlsKeyPath: e.TEMPORAL_TLS_KEY_PATH,
      apiKey: e.TEMPORAL_API_KEY,
      cliPath: e.TEMPORAL_CLI_PATH,
      localPort: e.TEMPORAL_PORT,
      localUiPort: e.TEMPORAL_UI_PORT,
      taskQueueSuffix: e.TASK_QUEUE_SUFFIX,
    },
    postgres: { url: e.DATABASE_URL, localPort: e.POSTGRES_PORT },
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM, sinkSmtpPort: e.MAIL_SINK_SMTP_PORT, sinkHttpPort: e.MAIL_SINK_HTTP_PORT },
    chromePath: e.CHROME_PATH,
    crm: { url: e.CRM_URL, standInPort: e.CRM_STANDIN_PORT },
    legacyErp: {
      url: e.LEGACY_ERP_URL,
      user: e.LEGACY_ERP_USER,
      password: e.LEGACY_ERP_PASSWORD,
      standInPort: e.LEGACY_ERP_STANDIN_PORT,
      standInSlowPageMs: e.LEGACY_ERP_STANDIN_SLOW_MS,
    },
    intake: {
      host: e.INTAKE_HOST,
      port: e.INTAKE_PORT,
      webhookSecrets: (e.WEBHOOK_SECRETS ?? '').split(/[\s,]+/).filter(Boolean),
    },
    encryptionKey: e.OFFICEFLOW_ENCRYPTION_KEY,
  };
}
