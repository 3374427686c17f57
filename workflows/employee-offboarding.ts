import { msToNumber } from '@temporalio/common/lib/time';
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { OffboardingInput, OffboardingResult } from '../contracts/hire';
import { orByHand } from './hire-to-onboard/accounts';
import { humanTasks } from './human-tasks';
import { trackProgress } from './progress';
import { quickStep } from './retry-profiles';
import { robots } from './robots';

const { deactivateScimUser, markEmployeeLeft } = proxyActivities<Activities>(quickStep);

/**
 * A leaver: on their last day, at the hour access ends, every account of theirs is ended at once — the user and
 * mailbox in the IT admin portal and the payroll enrolment (robots), each application's user over SCIM (deactivated,
 * never deleted) — and the record marks them left. What a portal or an application refuses goes to IT or HR to end by
 * hand.
 */
export async function employeeOffboarding({ employeeNumber, lastDay, settings }: OffboardingInput): Promise<OffboardingResult> {
  const progress = trackProgress('employed-until-last-day');
  const ask = humanTasks(progress);
  const accessEnds = Date.parse(`${lastDay}T00:00:00Z`) + msToNumber(settings.accessEndsAfter);
  progress.enterStep('employed-until-last-day', { on: 'Last day', until: new Date(accessEnds) });
  if (accessEnds > Date.now()) await sleep(accessEnds - Date.now());

  progress.startStage('ending-access', 'IT admin and payroll portals, applications');
  const { disableItAccount, endPayrollEnrolment } = robots();
  const byHand: string[] = [];
  const ended = async (step: Promise<unknown>, what: string, name: string, assignee: string, waitingOn: string) => {
    const done = await orByHand(
      { ask },
      step.then(() => true),
      { name, what, assignee, waitingOn, doing: 'end' },
    );
    if (!done) byHand.push(what);
  };
  await Promise.all([
    ended(disableItAccount(employeeNumber), `the user account of ${employeeNumber}`, 'it-account-by-hand', settings.itEmail, 'IT'),
    ended(endPayrollEnrolment(employeeNumber), `the payroll enrolment of ${employeeNumber}`, 'payroll-by-hand', settings.hrEmail, 'HR'),
    ...settings.scimApplications.map((application) =>
      ended(
        deactivateScimUser({ application: application.name, employeeNumber }),
        `the ${application.label} account of ${employeeNumber}`,
        `${application.name}-account-by-hand`,
        settings.itEmail,
        'IT',
      ),
    ),
  ]);
  const outcome = await markEmployeeLeft({ employeeNumber, lastDay });
  progress.enterStep(outcome);
  return { outcome, employeeNumber, byHand };
}
