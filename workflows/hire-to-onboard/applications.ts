import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { ItAccount, ScimApplication, ScimUserRequest } from '../../contracts/hire';
import { quickStep } from '../retry-profiles';
import { orByHand } from './accounts';
import type { Hire } from './hire';

const { provisionScimUser, deactivateScimUser } = proxyActivities<Activities>(quickStep);

/** The groups a role joins in an application: its row, else the `default` row; undefined when the role gets no account. */
const groupsFor = (application: ScimApplication, role: string): string[] | undefined =>
  application.groupsByRole[role] ?? application.groupsByRole.default;

/** The user an application is sent: the sign-in name, and only the attributes it gets. */
function userFor(
  { hire, employeeNumber }: Hire,
  application: ScimApplication,
  account: ItAccount | undefined,
  groups: string[],
): ScimUserRequest {
  const gets = new Set(application.attributes);
  const [givenName, ...rest] = hire.legalName.split(' ');
  return {
    application: application.name,
    employeeNumber,
    userName: account?.workEmail ?? employeeNumber,
    ...(gets.has('name') ? { name: { givenName, familyName: rest.join(' ') || givenName, formatted: hire.legalName } } : {}),
    ...(gets.has('emails') && account ? { workEmail: account.workEmail } : {}),
    ...(gets.has('title') ? { title: hire.role } : {}),
    ...(gets.has('department') ? { department: hire.department } : {}),
    groups,
  };
}

/**
 * 3. The applications that take accounts over SCIM (chat, code host, …), in parallel, each its own step: the user
 * created under the work e-mail the IT account got, in the groups the role joins. Each undo (deactivate, never delete)
 * is recorded before its step starts. An application that refuses (a name taken, a value it rejects) hands its
 * account to IT, with the application's answer.
 */
export async function openApplications(run: Hire, account: ItAccount | undefined): Promise<void> {
  const { hire, employeeNumber, settings, undo, steps } = run;
  const applications = (settings.scimApplications ?? []).flatMap((application) => {
    const groups = groupsFor(application, hire.role);
    return groups ? [{ application, groups }] : [];
  });
  if (applications.length === 0) return;
  run.startStage('applications', 'Applications (SCIM)');
  await Promise.all(
    applications.map(({ application, groups }) => {
      undo.add(`deactivate the ${application.label} account`, () => deactivateScimUser({ application: application.name, employeeNumber }));
      return orByHand(run, steps.track(provisionScimUser(userFor(run, application, account, groups))), {
        name: `${application.name}-account-by-hand`,
        what: `the ${application.label} account of ${employeeNumber}`,
        assignee: settings.itEmail,
        waitingOn: 'IT',
      });
    }),
  );
}
