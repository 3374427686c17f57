import { definePortalSystem } from '../robots/portal';
import { itAdminRobots } from './robot';

/** The IT admin portal: user accounts and mailboxes, made by a robot as an administrator would. */
export default definePortalSystem({
  name: 'it-admin',
  label: 'IT admin portal',
  prefix: 'IT_PORTAL',
  standInPort: 8093,
  limits: { concurrency: 4, perMinute: 120 },
  robots: itAdminRobots,
  standIn: async (options) => (await import('./stand-in.js')).startItAdminPortal(options),
});
