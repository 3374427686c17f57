import { ActivityFailure, isCancellation } from '@temporalio/workflow';
import type { ItAccount } from '../../contracts/hire';
import { robots } from '../robots';
import type { Hire } from './hire';

/**
 * 2. The accounts, in parallel: the user and mailbox in the IT admin portal and the employment in the payroll portal,
 * each made by a robot. Each undo is recorded before its robot starts (it undoes whatever the portal has), so a
 * rescission while a robot types leaves nothing behind. A portal that refuses, or keeps failing, hands the step to
 * a person, with the robot's message and evidence.
 */
export async function openAccounts(run: Hire): Promise<{ account?: ItAccount; payrollId?: string }> {
  const { employeeNumber, undo, settings, steps } = run;
  const { createItAccount, disableItAccount, enrolInPayroll, endPayrollEnrolment } = robots();
  run.startStage('accounts', 'IT admin and payroll portals');
  undo.add('disable the IT account', () => disableItAccount(employeeNumber));
  undo.add('end the payroll enrolment', () => endPayrollEnrolment(employeeNumber));
  const [account, payroll] = await Promise.all([
    orByHand(run, steps.track(createItAccount(employeeNumber)), {
      name: 'it-account-by-hand',
      what: `the user account and mailbox of ${employeeNumber}`,
      assignee: settings.itEmail,
      waitingOn: 'IT',
    }),
    orByHand(run, steps.track(enrolInPayroll(employeeNumber)), {
      name: 'payroll-by-hand',
      what: `the payroll enrolment of ${employeeNumber}`,
      assignee: settings.hrEmail,
      waitingOn: 'HR',
    }),
  ]);
  return { account, payrollId: payroll?.payrollId };
}

/**
 * The step's result, or, when it gave up, a person's confirmation that they did the step by hand: set up what the step
 * would have made, or end (`doing`) what it would have ended.
 */
export async function orByHand<T>(
  { ask }: Pick<Hire, 'ask'>,
  robot: Promise<T>,
  task: { name: string; what: string; assignee: string; waitingOn: string; doing?: 'set up' | 'end' },
): Promise<T | undefined> {
  const doing = task.doing ?? 'set up';
  try {
    return await robot;
  } catch (error) {
    if (!(error instanceof ActivityFailure) || isCancellation(error)) throw error;
    await ask({
      name: task.name,
      title: `${doing === 'end' ? 'End' : 'Set up'} ${task.what} by hand`,
      details: `officeflow could not ${doing} ${task.what}:\n${error.cause?.message ?? error.message}\n\nApprove once it is done by hand.`,
      assignee: task.assignee,
      waitingOn: task.waitingOn,
      verdicts: ['approve'],
    });
    return undefined;
  }
}
