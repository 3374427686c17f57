import { definePortalSystem } from '../robots/portal';
import { legacyErpRobots } from './robot';

/** The legacy ERP portal: a web application without an API, where a robot keys in the sales orders. */
export default definePortalSystem({
  name: 'legacy-erp',
  label: 'Legacy ERP',
  prefix: 'LEGACY_ERP',
  standInPort: 8091,
  // The old application server serves a handful of sessions well.
  limits: { concurrency: 4, perMinute: 120 },
  robots: legacyErpRobots,
  standIn: async (options) => (await import('./stand-in.js')).startLegacyErpPortal(options),
});
