import backOffice from './back-office';
import crm from './crm';
import documents from './documents';
import eSignature from './e-signature';
import legacyErp from './legacy-erp';
import mail from './mail';
import type { ConnectedSystem, SharedClients } from './system';

/** Every system officeflow talks to. Adding one is its folder and a line here. */
export const systems = [backOffice, documents, mail, crm, legacyErp, eSignature] as const;

type System = (typeof systems)[number];
type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
type SettingsOf<S> = S extends ConnectedSystem<infer Settings extends object, object> ? Settings : never;

/** Every activity of every system: workflows type their proxies with this (`proxyActivities<Activities>`). */
export type Activities = Intersection<ReturnType<System['connect']>['activities']>;

/** The settings of every system, by environment variable. */
export type SystemSettings = Intersection<SettingsOf<System>>;

/** Connects every system's activities for one worker process; `close` releases what they hold. */
export function connectSystems(settings: SystemSettings, shared: SharedClients): { activities: Activities; close(): Promise<void> } {
  const connected = systems.map((system) => (system as ConnectedSystem<SystemSettings, object>).connect(settings, shared));
  return {
    activities: Object.assign({}, ...connected.map((c) => c.activities)) as Activities,
    close: async () => {
      for (const c of connected) await c.close?.();
    },
  };
}
