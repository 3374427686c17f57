import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { ConfigError } from '../config/error';
import type { BrowserPool } from '../infra/browser';
import type { DecisionLinks } from '../codec/decision-links';

/** The worker's clients every system's activities may use. */
export interface SharedClients {
  /** The back office's database. */
  pool: Pool;
  /** Chromium, for robots and printed documents. */
  browser: BrowserPool;
  /** Signs the one-click decision links in task e-mails. */
  decisionLinks: DecisionLinks;
  /** Where people and connected systems reach officeflow's intake. */
  publicUrl: string;
  /** The engine (its TASK_QUEUE_SUFFIX), as what it keeps per engine in the database is keyed (a paused system). */
  engine: string;
  log: Logger;
}

/** What a stand-in gets from the engine that starts it. */
export interface StandInContext {
  /** The state folder, where it keeps what it was told. */
  stateDir: string;
  /** The address to listen on; localhost unless told. */
  host?: string;
  /** A webhook secret the engine's intake accepts, for a stand-in that sends events to it. */
  webhookSecret: string;
  /** Where the engine's intake is, as the stand-in reaches it (`PUBLIC_URL`): a vendor's webhooks go there. */
  intakeUrl: string;
}

/** A local stand-in, running until stopped. */
export interface RunningStandIn {
  /** The settings that point officeflow at it, e.g. `{ CRM_URL: 'http://127.0.0.1:8090' }` (ports as bound). */
  settings: Record<string, string>;
  /** What `npm start` prints about it: a label and where to look. */
  shown: { label: string; value: string };
  stop(): Promise<void>;
}

/**
 * A system officeflow talks to (CRM, legacy ERP portal, mail, documents): its settings, its activities and, for a
 * system the project does not own, a stand-in that speaks its protocol. Configuration, local infrastructure, the
 * workers and the tests all go over the one list in `activities/index.ts`.
 */
export interface ConnectedSystem<Settings extends object, Activities extends object> {
  name: string;
  /**
   * Its activities drive a browser (robots): they run on the robot task queue, whose worker takes no more at once
   * than the browser pool has pages, so robots wait in Temporal's queue rather than inside Chromium.
   */
  robots?: boolean;
  /** The environment variables it reads, if any, checked at start with every other setting. */
  settings?: z.ZodType<Settings>;
  /** Its activities, built once per worker; `close` releases what they hold. */
  connect(settings: Settings, shared: SharedClients): { activities: Activities; close?(): Promise<void> | void };
  /** Started by the local engine (and `officeflow standins`) when `needed` says the system is not configured. */
  standIn?: {
    needed(settings: Settings): boolean;
    start(settings: Settings, where: StandInContext): Promise<RunningStandIn>;
  };
}

export const defineSystem = <Activities extends object, Settings extends object = object>(
  system: ConnectedSystem<Settings, Activities>,
): ConnectedSystem<Settings, Activities> => system;

/** A setting the system cannot work without, once the local engine has started any stand-in it needed. */
export function configured<Settings extends object, Key extends keyof Settings & string>(
  settings: Settings,
  key: Key,
): NonNullable<Settings[Key]> {
  const value = settings[key];
  if (value === undefined || value === null) throw new ConfigError(`set ${key}`);
  return value as NonNullable<Settings[Key]>;
}
