import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { type SystemSettings, systems } from '../activities';
import { duration } from '../contracts/fields';
import { ROLE } from '../contracts/roles';
import { ConfigError } from './error';
import { commaList, emailList, httpUrl, pairList, port, eventMapping } from './fields';
import { webhookSenders } from './webhook-senders';

export { ConfigError };

/**
 * Two pages per CPU (at least four): with pages kept between tasks, a robot mostly waits for its portal's answer,
 * so more pages than CPUs keep the CPUs busy (`npm run bench`: 2 pages 0.39, 4 pages 0.56 order-to-cash runs/s).
 */
export const defaultPoolSize = () => Math.max(4, 2 * os.availableParallelism());

/** The engine's own settings; each connected system declares its own beside its activities (`activities/<system>`). */
const engineSettings = z
  .object({
    OFFICEFLOW_STATE_DIR: z
      .string()
      .min(1)
      .default('.officeflow')
      .transform((dir) => path.resolve(dir)),
    /** A workflow bundle made by `officeflow bundle` from this very code (an image's build): workers start without bundling. */
    WORKFLOW_BUNDLE: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    /** Unset: officeflow starts a local dev server. */
    TEMPORAL_ADDRESS: z.string().min(1).optional(),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    /** How long Temporal keeps a closed run (history, UI, search); `officeflow temporal-setup` sets it on the namespace. */
    TEMPORAL_NAMESPACE_RETENTION: duration.default('30 days'),
    TEMPORAL_TLS: z.stringbool().default(false),
    TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
    TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
    TEMPORAL_API_KEY: z.string().min(1).optional(),
    TEMPORAL_CLI_PATH: z.string().min(1).optional(),
    TEMPORAL_PORT: port(7233),
    TEMPORAL_UI_PORT: port(8233),
    /** The local dev server's Prometheus endpoint (`/metrics`): requests, latencies and task queues as the server sees them. */
    TEMPORAL_METRICS_PORT: port(7235),
    /** Appended to every task queue, so several environments can share one namespace: `@` and a name, e.g. `@staging`. */
    TASK_QUEUE_SUFFIX: z
      .string()
      .regex(/^(@[a-z0-9-]+)?$/, 'must be @ and lower-case letters, digits and dashes, e.g. @staging')
      .default(''),

    /** Unset: officeflow starts an embedded PostgreSQL. */
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    POSTGRES_PORT: port(5433),

    CHROME_PATH: z.string().min(1).default('/usr/lib/chromium/chromium-headless-shell'),
    /** Browser pages a worker keeps open at once for robots and printing; also how many robot steps it runs at once. */
    BROWSER_PAGES: z.coerce.number().int().min(1).max(64).default(defaultPoolSize),
    /**
     * Ordinary activities one worker runs at once, per task queue; more wait in Temporal's queue, where no timeout
     * runs, rather than inside a busy worker, where their start-to-close timeout would. 8, a compromise measured on a
     * 2-CPU machine shared with a whole Temporal cluster (docs/performance.md): with 10 history recorded tasks started
     * too late in every burst and lost them; 8 lost fewer, 6 none, but 6 brought the dev server's order-to-cash under
     * its target.
     */
    WORKER_ACTIVITY_SLOTS: z.coerce.number().int().min(1).max(1000).default(8),
    /**
     * Runs a worker keeps in memory per task queue, so their next step needs no history replay. Bounded, because
     * memory is: a cached order-to-cash run holds about 0.3 MB (`npm run bench`: with 10,000 parked and 2,000 cached
     * the worker peaked at 1.4 GB); a run beyond it replays its history when it next moves.
     */
    WORKER_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(2000),
    /**
     * Threads that run the workflows of every task queue of a worker process, each a V8 isolate of about 60 MB (and
     * with its own slack: with 2,500 runs parked a second thread cost 0.17 GB more): more than one lets workflow code use
     * more than one CPU, which a busy worker on a larger machine may want.
     */
    WORKER_WORKFLOW_THREADS: z.coerce.number().int().min(1).default(1),
    /**
     * How far a worker's heaps may grow past what they held after their last full collection before the next one, in
     * percent (V8's `--heap-growing-percent`; 0 leaves it to V8, which let a worker with 2,000 cached runs grow by up to
     * 0.8 GB of garbage between collections while runs came and went).
     */
    WORKER_HEAP_GROWTH_PERCENT: z.coerce.number().int().min(0).max(1000).default(25),
    /**
     * Worker Versioning: the build these workers are (a release tag or commit), in the worker deployment named
     * WORKER_DEPLOYMENT_NAME. Unset, workers are unversioned. Set, a pinned process's runs stay on the build they
     * started on and the others move to the current build; `officeflow deploy` makes a build current, ramps it, rolls
     * back and retires a drained one.
     */
    WORKER_BUILD_ID: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be letters, digits, _ and - (a release tag or commit), e.g. 2026-12-06-a1b2c3')
      .optional(),
    WORKER_DEPLOYMENT_NAME: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be letters, digits, _ and -')
      .default('officeflow'),
    /**
     * Dynamic configuration for a Temporal server officeflow starts itself (the dev server, the test cluster):
     * comma-separated `key=value` pairs, e.g. `matching.PollerHistoryTTL=10s`. A cluster's own is its operators'.
     */
    TEMPORAL_DYNAMIC_CONFIG: pairList(z.string().min(1), 'matching.PollerHistoryTTL=10s'),
    /**
     * Alerts that reach a person: who hears of an incident (a failed run, a task days past its deadline, a paused
     * system) and of its resolution, by e-mail through the outbox, and incoming webhooks (Slack, Microsoft Teams) that
     * get it as `{"text": …}`. The webhook URLs are secrets. Neither set, the engine does not look for incidents.
     */
    ALERT_EMAILS: emailList,
    ALERT_WEBHOOK_URLS: commaList.pipe(z.array(httpUrl, { error: 'must be comma-separated http(s) URLs' })),
    /** How often the engine looks for incidents. */
    ALERT_CHECK_EVERY: duration.default('1 minute'),
    /** An incident is resolved once its trouble has not been seen this long: one that flaps is told once. */
    ALERT_RESOLVE_AFTER: duration.default('5 minutes'),
    /** A task still open this long after its deadline (and its escalation) is an incident. */
    ALERT_TASK_GRACE: duration.default('1 day'),
    /** Failed runs closed this long ago or less are incidents until retried. */
    ALERT_LOOKBACK: duration.default('7 days'),
    /** How long the event log keeps a run once it ended: the process insights, the exports and the views read it. */
    EVENT_LOG_KEEP: duration.default('400 days'),
    /** How often the intake makes each process's forecast again from the event log: what new runs show as their expected end. */
    FORECAST_EVERY: duration.default('15 minutes'),
    /**
     * Tasks one Chromium serves before the worker replaces it, so a slow leak never builds up. Not often: the new one
     * opens every page afresh, a renderer process each (about 1.3 CPU-s here), 20 or more CPU-s at 16 pages.
     */
    BROWSER_RECYCLE_AFTER: z.coerce.number().int().min(1).default(10000),

    /**
     * Where `officeflow up` serves Prometheus metrics (`/metrics`): the SDK's and officeflow's, of the workers and the
     * intake in that process. 0 serves none (processes started beside each other by the benchmarks and tests).
     */
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    METRICS_PORT: port(9464),
    INTAKE_HOST: z.string().min(1).default('127.0.0.1'),
    INTAKE_PORT: port(8080),
    /** Where people open officeflow's pages, as links in e-mails show it; unset, the intake's own address. */
    PUBLIC_URL: httpUrl.optional(),
    /** Requests per minute one client may send the intake; more get 429. */
    INTAKE_RATE_LIMIT: z.coerce.number().int().positive().default(6000),

    /** Proxies in front of the intake (a load balancer: 1); the client's address is read from X-Forwarded-For. */
    INTAKE_TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
    /** The codec endpoint the Temporal UI decrypts payloads through: a listener of its own, on localhost unless told. */
    CODEC_HOST: z.string().min(1).default('127.0.0.1'),
    CODEC_PORT: port(8081),
    /** Where operators' browsers reach the codec endpoint when it is not its own address (behind an ingress or a DNS name). */
    CODEC_PUBLIC_URL: httpUrl.optional(),
    /**
     * Who may decrypt through the codec endpoint of a cluster's UI: `operators` (a bearer token the UI passes on, from
     * its sign-in), or `none` where the endpoint is reachable by operators alone (bound to localhost, as in the compose stack).
     */
    CODEC_AUTH: z.enum(['operators', 'none']).default('operators'),
    /** The Temporal UI operators use against a cluster: the one origin that may call the codec endpoint. */
    TEMPORAL_UI_URL: httpUrl.optional(),

    /** The company's OpenID Connect issuer people sign in with; unset, officeflow signs tokens itself. */
    OIDC_ISSUER: z.url().optional(),
    /** Where the issuer publishes its signing keys. */
    OIDC_JWKS_URL: httpUrl.optional(),
    OIDC_AUDIENCE: z.string().min(1).default('officeflow'),
    /** The token claim that holds a person's e-mail address. */
    OIDC_EMAIL_CLAIM: z.string().min(1).default('email'),
    /** officeflow's own token-signing key (an Ed25519 private JWK), when no OIDC_ISSUER is set. */
    OFFICEFLOW_IDENTITY_KEY: z.string().min(1).optional(),
    /** The token claim that lists a person's groups at the company sign-in. */
    OIDC_ROLES_CLAIM: z.string().min(1).default('groups'),
    /** Which groups of the company sign-in hold which officeflow role, e.g. `it-ops=operator,internal-audit=auditor`. */
    OIDC_ROLE_GROUPS: pairList(ROLE, 'it-ops=operator,legal-ops=owner:contract-approval'),
    /** E-mail addresses of operators: they repair runs, read documents, decrypt payloads and list anyone's tasks. */
    OFFICEFLOW_OPERATORS: emailList,
    /** E-mail addresses of auditors: they read audit trails, decisions and operators' actions, and change nothing. */
    OFFICEFLOW_AUDITORS: emailList,
    /** Process owners, as `process=e-mail` pairs: each reads the audit trails and open tasks of their process. */
    OFFICEFLOW_PROCESS_OWNERS: pairList(
      z.email().transform((email) => email.toLowerCase()),
      'contract-approval=ann@example.com',
    ),
    /**
     * Standard Webhooks secrets, comma-separated, of one sender that may send every event (the local engine's demo and
     * stand-ins); give each real system its own secrets and scope in WEBHOOK_SENDERS instead.
     */
    WEBHOOK_SECRETS: commaList,
    /** The systems that send events, each with its own secrets and scope (see config/webhook-senders.ts). */
    WEBHOOK_SENDERS: webhookSenders,
    /**
     * HubSpot's app webhooks (`POST /sources/hubspot`): the app's client secrets, which sign them (a new one first,
     * beside the old while rotating); unset, officeflow takes none.
     */
    HUBSPOT_CLIENT_SECRETS: commaList,
    /** Salesforce's Outbound Messages (`POST /sources/salesforce`): the org ids whose messages are taken; unset, none. */
    SALESFORCE_ORGANIZATION_IDS: commaList.pipe(
      z.array(z.string().regex(/^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/, 'must be Salesforce org ids (00D…)')),
    ),
    /**
     * A secret in the outbound message's endpoint URL (`PUBLIC_URL/sources/salesforce/<token>`): Salesforce signs
     * nothing, and an org's id is no secret.
     */
    SALESFORCE_ENDPOINT_TOKEN: z.string().min(24, 'must be at least 24 characters: a secret').optional(),
    /** Opportunity stages and the officeflow event each means; other stages are passed over. */
    SALESFORCE_STAGE_EVENTS: eventMapping([
      ['Closed Won', 'crm.deal.won'],
      ['Closed Lost', 'crm.deal.cancelled'],
    ]),
    /** Pipedrive's webhooks (`POST /sources/pipedrive`): the HTTP Basic credentials set on them; unset, none are taken. */
    PIPEDRIVE_WEBHOOK_USER: z.string().min(1).optional(),
    PIPEDRIVE_WEBHOOK_PASSWORD: z.string().min(1).optional(),
    /** A Pipedrive deal's statuses and the officeflow event each means; other changes are passed over. */
    PIPEDRIVE_STATUS_EVENTS: eventMapping([
      ['won', 'crm.deal.won'],
      ['lost', 'crm.deal.cancelled'],
    ]),
    /** HubSpot deal stage ids and the officeflow event each means; other stage changes are passed over. */
    HUBSPOT_STAGE_EVENTS: eventMapping([
      ['closedwon', 'crm.deal.won'],
      ['closedlost', 'crm.deal.cancelled'],
    ]),
    /** Base64 32-byte keys, comma-separated: the first encrypts payloads, the others still decrypt. */
    OFFICEFLOW_ENCRYPTION_KEY: z.string().min(1).optional(),
  })
  .refine((e) => Boolean(e.TEMPORAL_TLS_CERT_PATH) === Boolean(e.TEMPORAL_TLS_KEY_PATH), {
    message: 'set both TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH, or neither',
    path: ['TEMPORAL_TLS_CERT_PATH'],
  })
  .refine((e) => e.SALESFORCE_ORGANIZATION_IDS.length === 0 || e.SALESFORCE_ENDPOINT_TOKEN, {
    message: 'SALESFORCE_ORGANIZATION_IDS needs SALESFORCE_ENDPOINT_TOKEN, the secret in the outbound message endpoint URL',
    path: ['SALESFORCE_ENDPOINT_TOKEN'],
  })
  .refine((e) => Boolean(e.PIPEDRIVE_WEBHOOK_USER) === Boolean(e.PIPEDRIVE_WEBHOOK_PASSWORD), {
    message: 'set both PIPEDRIVE_WEBHOOK_USER and PIPEDRIVE_WEBHOOK_PASSWORD, or neither',
    path: ['PIPEDRIVE_WEBHOOK_USER'],
  })
  .refine((e) => !e.OIDC_ISSUER || e.OIDC_JWKS_URL, {
    message: 'OIDC_ISSUER needs OIDC_JWKS_URL, where its keys are',
    path: ['OIDC_ISSUER'],
  });

/** Every setting officeflow reads, by environment variable name, checked once at start. */
export type Config = z.output<typeof engineSettings> & SystemSettings;

/** Reads the environment once; a bad value names the variable and what it must be. Empty variables count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blankAsUnset = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const schemas = [engineSettings, ...systems.flatMap((system) => ('settings' in system ? [system.settings] : []))];
  const parsed = schemas.map((schema) => (schema as z.ZodType<object>).safeParse(blankAsUnset));
  const problems = parsed.flatMap((result) =>
    result.success ? [] : result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`),
  );
  if (problems.length > 0) throw new ConfigError(`officeflow cannot start: fix these environment variables\n${problems.join('\n')}`);
  return Object.assign({}, ...parsed.map((result) => result.data)) as Config;
}

/** Where people open officeflow's pages (the confirmation pages of one-click links in e-mails). */
export const publicUrl = (config: Config): string =>
  config.PUBLIC_URL ?? `http://${['0.0.0.0', '::'].includes(config.INTAKE_HOST) ? '127.0.0.1' : config.INTAKE_HOST}:${config.INTAKE_PORT}`;
