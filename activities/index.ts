import backOffice from './back-office';
import bank from './bank';
import crm from './crm';
import documents from './documents';
import eSignature from './e-signature';
import hr from './hr';
import humanTasks from './human-tasks';
import itAdmin from './it-admin';
import legacyErp from './legacy-erp';
import mail from './mail';
import payroll from './payroll';
import scim from './scim';
import stripe from './stripe';
import type { ConnectedSystem, SharedClients } from './system';

/** Every system officeflow talks to. Adding one is its folder and a line here. */
export const systems = [
  backOffice,
  bank,
  humanTasks,
  hr,
  documents,
  mail,
  crm,
  legacyErp,
  eSignature,
  itAdmin,
  payroll,
  scim,
  stripe,
] as const;

type System = (typeof systems)[number];
type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
type SettingsOf<S> = S extends ConnectedSystem<infer Settings extends object, object> ? Settings : never;

/** Every activity of every system: workflows type their proxies with this (`proxyActivities<Activities>`). */
export type Activities = Intersection<ReturnType<System['connect']>['activities']>;

/** The settings of every system, by environment variable. */
export type SystemSettings = Intersection<SettingsOf<System>>;

/**
 * Connects every system's activities for one worker process: `robots` are those that drive a browser (for the robot
 * queue), `activities` every other; `close` releases what they hold.
 */
export function connectSystems(
  settings: SystemSettings,
  shared: SharedClients,
): {
  activities: Partial<Activities>;
  robots: Partial<Activities>;
  /** The system each activity belongs to, by activity name: what a failure names. */
  systemOf: Record<string, string>;
  close(): Promise<void>;
} {
  const connected = systems.map((system) => ({
    name: system.name,
    robots: 'robots' in system && system.robots === true,
    ...(system as ConnectedSystem<SystemSettings, object>).connect(settings, shared),
  }));
  const merged = (robots: boolean) => Object.assign({}, ...connected.filter((c) => c.robots === robots).map((c) => c.activities));
  return {
    activities: merged(false),
    robots: merged(true),
    systemOf: Object.fromEntries(connected.flatMap((c) => Object.keys(c.activities).map((activity) => [activity, c.name]))),
    close: async () => {
      for (const c of connected) await c.close?.();
    },
  };
}
