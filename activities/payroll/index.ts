import { definePortalSystem } from '../robots/portal';
import { payrollRobots } from './robot';

/** The legacy HR/payroll portal: employees enrolled in payroll by a robot, as an HR clerk would. */
export default definePortalSystem({
  name: 'payroll',
  label: 'Payroll portal',
  prefix: 'PAYROLL_PORTAL',
  standInPort: 8094,
  // An old application: two sessions at a time, and not too many saves a minute.
  limits: { concurrency: 2, perMinute: 60 },
  robots: payrollRobots,
  standIn: async (options) => (await import('./stand-in.js')).startPayrollPortal(options),
});
