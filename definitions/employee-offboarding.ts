import { EmployeeLeft, OffboardingInput, type OffboardingSettings } from '../contracts/hire';
import { employeeOffboarding } from '../workflows/employee-offboarding';
import { defineProcess, startsOn } from './define';
import hireToOnboard from './hire-to-onboard';

const settings: OffboardingSettings = {
  hrEmail: 'people.ops@officeflow.example',
  itEmail: 'it.servicedesk@officeflow.example',
  // 18:00 UTC on the last day.
  accessEndsAfter: '18 hours',
  // Every application a hire may have been given an account in.
  scimApplications: hireToOnboard.settings.scimApplications ?? [],
};

/**
 * Employee offboarding. HR records that an employee leaves; on their last day every account of theirs is ended (the
 * IT admin and payroll portals by robots, the applications over SCIM) and the record marks them left.
 */
export default defineProcess({
  name: 'employee-offboarding',
  description: "A leaver's accounts are ended on their last day: portals by robots, applications over SCIM.",
  workflow: employeeOffboarding,
  taskQueue: 'employee-offboarding',
  businessObject: 'employee',
  expectations: { 'ending-access': '1 hour' },
  settings,
  input: OffboardingInput,
  describe: ({ employeeNumber, lastDay }) => ({
    businessKey: employeeNumber,
    summary: `Offboard ${employeeNumber}, whose last day is ${lastDay}`,
  }),
  searchAttributes: [],
  savedQueries: {
    'ending-access': { description: 'Leavers whose accounts are being ended now', query: 'ProcessStep = "ending-access"' },
    'by-hand': { description: 'Leavers with an account IT or HR must end by hand', query: 'WaitingOn IN ("IT", "HR")' },
  },
  // The example's last day is far ahead: the run waits for it.
  demo: { events: ['hr.employee.left'], restsAt: { 'employed-until-last-day': 'waits for the last day' } },
  initialSearchAttributes: () => [],
  triggers: [
    startsOn({
      type: 'hr.employee.left',
      description: 'HR records that an employee leaves, and their last day.',
      data: EmployeeLeft,
      workflowId: ({ employeeNumber }) => `employee-offboarding-${employeeNumber}`,
      example: { source: '/hr', id: 'evt-leaver-E-1001', data: { employeeNumber: 'E-1001', lastDay: '2099-12-31' } },
    }),
  ],
});
