import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Bottleneck from 'bottleneck';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ConfigError } from '../../config/error';
import { httpUrl, port } from '../../config/fields';
import type { BrowserPool } from '../../infra/browser';
import { localPort } from '../../infra/ports';
import { ensureStateDir, stateSecret } from '../../infra/state';
import { type ConnectedSystem, defineSystem } from '../system';
import { type PortalHealth, portalHealth } from './health';
import type { PortalStandInOptions, RunningPortal } from './portal-stand-in';

export interface PortalAccess {
  url: string;
  user: string;
  password: string;
}

/** One portal as its robots use it: where and as whom they sign in, and the limits they keep to. */
export interface Portal {
  /** As people call it, e.g. "IT admin portal". */
  name: string;
  access: PortalAccess;
  /** The labels of the portal's sign-in form. */
  signIn: { userLabel: string; passwordLabel: string; button: string };
  /** How long a page may take before the robot gives up on this attempt. */
  pageTimeoutMs: number;
  /** At most `concurrency` robots at once and `perMinute` tasks a minute on this portal, across one worker. */
  limiter: Bottleneck;
  browser: BrowserPool;
  /** The document store, where a failed robot's evidence is kept. */
  pool: Pool;
  /** Where each step's duration is logged (at debug level): the profile's view of Chromium. */
  log: Logger;
  /** Pauses the portal's system when it answers no page, and resumes it once it does (health.ts). */
  health: PortalHealth;
}

/** Settings every portal has, under its own prefix, e.g. `IT_PORTAL_URL`. */
type PortalSettingName =
  | 'URL'
  | 'USER'
  | 'PASSWORD'
  | 'PASSWORD_FILE'
  | 'CONCURRENCY'
  | 'PER_MINUTE'
  | 'PAGE_TIMEOUT_MS'
  | 'PAUSE_AFTER_FAILURES'
  | 'STANDIN_PORT'
  | 'STANDIN_SLOW_MS'
  | 'STANDIN_FAILURE_RATE'
  | 'STANDIN_SESSION_SECONDS';
type Optional = 'URL' | 'USER' | 'PASSWORD' | 'PASSWORD_FILE';
export type PortalSettings<P extends string> = { [K in Exclude<PortalSettingName, Optional> as `${P}_${K}`]: number } & {
  [K in Optional as `${P}_${K}`]?: string;
};

export interface PortalSpec<P extends string, Robots extends object> {
  /** The system's name, e.g. `it-admin`. */
  name: string;
  /** As people call it, e.g. "IT admin portal". */
  label: string;
  /** The prefix of its settings, e.g. `IT_PORTAL`. */
  prefix: P;
  /** Where its stand-in listens by default. */
  standInPort: number;
  /** What the real portal bears: robots at once and tasks a minute (each overridable by setting). */
  limits: { concurrency: number; perMinute: number };
  signIn?: Portal['signIn'];
  /** The robots' activities. */
  robots: (portal: Portal) => Robots;
  /** The stand-in portal, started when no URL is set (imported then: a worker or a command does not load its web server). */
  standIn: (options: PortalStandInOptions) => Promise<RunningPortal>;
}

/**
 * Declares a web portal without an API that robots work in, as one connected system: its settings (address,
 * credentials from the environment or a secrets file, limits), its robots on the worker's robot queue, and a
 * stand-in portal for local runs. A portal module is its pages, its robots and this call.
 */
export function definePortalSystem<P extends string, Robots extends object>(
  spec: PortalSpec<P, Robots>,
): ConnectedSystem<PortalSettings<P>, Robots> {
  const key = (name: PortalSettingName) => `${spec.prefix}_${name}`;
  const schema = z
    .object({
      [key('URL')]: httpUrl.optional(),
      [key('USER')]: z.string().min(1).optional(),
      [key('PASSWORD')]: z.string().min(1).optional(),
      /** A file holding the password (a Docker or Kubernetes secret). */
      [key('PASSWORD_FILE')]: z.string().min(1).optional(),
      [key('CONCURRENCY')]: z.coerce.number().int().min(1).max(64).default(spec.limits.concurrency),
      [key('PER_MINUTE')]: z.coerce.number().int().min(1).default(spec.limits.perMinute),
      [key('PAGE_TIMEOUT_MS')]: z.coerce.number().int().min(1000).max(600_000).default(30_000),
      /** Attempts in a row that find the portal answering no page before its system is paused (0: never). */
      [key('PAUSE_AFTER_FAILURES')]: z.coerce.number().int().min(0).default(20),
      [key('STANDIN_PORT')]: port(spec.standInPort),
      [key('STANDIN_SLOW_MS')]: z.coerce.number().int().min(0).max(60_000).default(1500),
      [key('STANDIN_FAILURE_RATE')]: z.coerce.number().min(0).max(1).default(0),
      [key('STANDIN_SESSION_SECONDS')]: z.coerce.number().int().min(1).default(300),
    })
    .refine((s) => !s[key('URL')] || (s[key('USER')] && (s[key('PASSWORD')] || s[key('PASSWORD_FILE')])), {
      message: `${key('URL')} needs ${key('USER')} and ${key('PASSWORD')} or ${key('PASSWORD_FILE')}`,
      path: [key('URL')],
    }) as unknown as z.ZodType<PortalSettings<P>>;
  type Settings = Record<string, string | number | undefined>;

  const password = (s: Settings): string => {
    const file = s[key('PASSWORD_FILE')] as string | undefined;
    if (s[key('PASSWORD')]) return s[key('PASSWORD')] as string;
    if (!file) throw new ConfigError(`set ${key('PASSWORD')} or ${key('PASSWORD_FILE')}`);
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(`${key('PASSWORD_FILE')}: cannot read ${file}: ${(error as Error).message}`);
    }
  };

  return defineSystem<Robots, PortalSettings<P>>({
    name: spec.name,
    robots: true,
    settings: schema,
    connect: (settings, { pool, browser, log, engine }) => {
      const s = settings as unknown as Settings;
      if (!s[key('URL')]) throw new ConfigError(`set ${key('URL')}`);
      const url = s[key('URL')] as string;
      const pauseAfter = s[key('PAUSE_AFTER_FAILURES')] as number;
      const health = portalHealth({ pool, engine, system: spec.name, label: spec.label, url, pauseAfter, log });
      const portal: Portal = {
        name: spec.label,
        access: { url, user: s[key('USER')] as string, password: password(s) },
        signIn: spec.signIn ?? { userLabel: 'User', passwordLabel: 'Password', button: 'Sign in' },
        pageTimeoutMs: s[key('PAGE_TIMEOUT_MS')] as number,
        limiter: new Bottleneck({
          maxConcurrent: s[key('CONCURRENCY')] as number,
          minTime: Math.ceil(60_000 / (s[key('PER_MINUTE')] as number)),
        }),
        browser,
        pool,
        log,
        health,
      };
      return {
        activities: spec.robots(portal),
        close: async () => {
          await health.stop();
          await portal.limiter.stop({ dropWaitingJobs: true });
        },
      };
    },
    standIn: {
      needed: (settings) => !(settings as unknown as Settings)[key('URL')],
      async start(settings, { stateDir, host }) {
        const s = settings as unknown as Settings;
        const user = (s[key('USER')] as string | undefined) ?? 'officeflow';
        const secret = `${spec.name}-password`;
        const pass = (s[key('PASSWORD')] as string | undefined) ?? stateSecret(stateDir, secret, () => randomBytes(12).toString('hex'));
        const boundPort = await localPort(s[key('STANDIN_PORT')] as number, key('STANDIN_PORT'), host);
        const portal = await spec.standIn({
          dir: ensureStateDir(stateDir),
          port: boundPort,
          host,
          user,
          password: pass,
          slowPageMs: s[key('STANDIN_SLOW_MS')] as number,
          failureRate: s[key('STANDIN_FAILURE_RATE')] as number,
          sessionSeconds: s[key('STANDIN_SESSION_SECONDS')] as number,
        });
        return {
          settings: { [key('URL')]: portal.url, [key('USER')]: user, [key('PASSWORD')]: pass, [key('STANDIN_PORT')]: String(boundPort) },
          shown: { label: spec.label, value: `${portal.url}   (stand-in; user ${user}, password in ${stateDir}/secrets/${secret})` },
          stop: portal.stop,
        };
      },
    },
  });
}
