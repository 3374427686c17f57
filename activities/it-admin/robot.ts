import type { ItAccount } from '../../contracts/hire';
import { employeeForPortals, recordPortalIds } from '../hr/employees';
import { savedEarlier } from '../robots/entries';
import type { Portal } from '../robots/portal';
import { type Robot, runRobot } from '../robots/robot';

/** The employee's user, if the portal has one. */
async function findUser(robot: Robot, employeeNumber: string) {
  return robot.step('look for the user', async () => {
    await robot.open(`/users?employee=${encodeURIComponent(employeeNumber)}`);
    return (await robot.table('Users')).find((row) => row['Employee no.'] === employeeNumber);
  });
}

/**
 * The robot for the IT admin portal, which has no API: it creates a new employee's user account and mailbox and
 * reads back the user id and address the portal generated; a retry looks for the user first, so it never creates two.
 */
export function itAdminRobots(portal: Portal) {
  return {
    async createItAccount(employeeNumber: string): Promise<ItAccount> {
      const employee = await employeeForPortals(portal.pool, employeeNumber);
      const account = await runRobot(portal, `create the user of ${employeeNumber}`, async (robot) => {
        const existing = await savedEarlier(portal.pool, `it-admin/user/${employeeNumber}`, () => findUser(robot, employeeNumber));
        if (existing) return { accountId: existing['User ID'], workEmail: existing['E-mail address'] };
        await robot.step('fill in the user', async () => {
          await robot.open('/users/new');
          await robot.fillIn({
            'Employee no.': employeeNumber,
            'Full name': employee.legal_name,
            Department: employee.department,
            'Mailbox size': 'Standard (50 GB)',
          });
        });
        await robot.step('save the user', () => robot.submit('Create user'));
        return robot.step('read the user id', async () => ({
          accountId: await robot.read('User ID'),
          workEmail: await robot.read('E-mail address'),
        }));
      });
      await recordPortalIds(portal.pool, employeeNumber, { it_account_id: account.accountId, work_email: account.workEmail });
      return account;
    },

    async disableItAccount(employeeNumber: string): Promise<void> {
      await runRobot(portal, `disable the user of ${employeeNumber}`, async (robot) => {
        const existing = await findUser(robot, employeeNumber);
        if (!existing || existing.Status !== 'active') return;
        await robot.step('disable the user', async () => {
          await robot.open(`/users/${existing['User ID']}`);
          await robot.submit('Disable account');
        });
      });
    },
  };
}
