import { employeeForPortals, recordPortalIds } from '../hr/employees';
import { savedEarlier } from '../robots/entries';
import type { Portal } from '../robots/portal';
import { type Robot, runRobot } from '../robots/robot';

/** The employee's enrolment, if the portal has one that is still current. */
async function findEnrolment(robot: Robot, employeeNumber: string) {
  return robot.step('look for the employee', async () => {
    await robot.open(`/employees?reference=${encodeURIComponent(employeeNumber)}`);
    return (await robot.table('Employees')).find((row) => row.Reference === employeeNumber && row.Status === 'enrolled');
  });
}

/** `2027-01-04` as the portal wants it: `04.01.2027`. */
const portalDate = (isoDate: string) => isoDate.split('-').reverse().join('.');

/**
 * The robot for the legacy HR/payroll portal, which has no API: it enrols a new employee and reads back the payroll
 * id; a retry looks for the enrolment first, so it never enrols anyone twice.
 */
export function payrollRobots(portal: Portal) {
  return {
    async enrolInPayroll(employeeNumber: string): Promise<{ payrollId: string }> {
      const employee = await employeeForPortals(portal.pool, employeeNumber);
      const payrollId = await runRobot(portal, `enrol ${employeeNumber} in payroll`, async (robot) => {
        const existing = await savedEarlier(portal.pool, `payroll/enrolment/${employeeNumber}`, () => findEnrolment(robot, employeeNumber));
        if (existing) return existing['Payroll ID'];
        await robot.step('fill in the enrolment', async () => {
          await robot.open('/employees/new');
          await robot.fillIn({
            Reference: employeeNumber,
            'Legal name': employee.legal_name,
            'Country code': employee.country,
            'Start date (DD.MM.YYYY)': portalDate(employee.start_date),
            'Annual salary': employee.salary,
            Currency: employee.currency,
          });
        });
        await robot.step('save the enrolment', () => robot.submit('Enrol'));
        return robot.step('read the payroll id', () => robot.read('Payroll ID'));
      });
      await recordPortalIds(portal.pool, employeeNumber, { payroll_id: payrollId });
      return { payrollId };
    },

    async endPayrollEnrolment(employeeNumber: string): Promise<void> {
      await runRobot(portal, `end the payroll enrolment of ${employeeNumber}`, async (robot) => {
        const existing = await findEnrolment(robot, employeeNumber);
        if (!existing) return;
        await robot.step('end the employment', async () => {
          await robot.open(`/employees/${existing['Payroll ID']}`);
          await robot.submit('End employment');
        });
      });
    },
  };
}
