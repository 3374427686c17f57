import { CancellationScope, isCancellation, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { HireToOnboardInput, HireToOnboardResult } from '../../contracts/hire';
import { emailOnce } from '../email';
import { quickStep } from '../retry-profiles';
import { openAccounts } from './accounts';
import { openApplications } from './applications';
import { prepareFirstDay } from './first-day';
import { type Hire, followHire } from './hire';
import { equipmentDelivered, offerRescinded } from './messages';

export { equipmentDelivered, offerRescinded };

const { createEmployeeRecord, eraseEmployeeData, markEmployeeActive } = proxyActivities<Activities>(quickStep);

/**
 * Hire-to-onboard: an offer accepted in the applicant-tracking system becomes an employee with a record, accounts,
 * equipment, a welcome and a prepared first day. A rescinded offer undoes whatever was done, newest first.
 */
export async function hireToOnboard(input: HireToOnboardInput): Promise<HireToOnboardResult> {
  const run = followHire(input);
  const onboarding = new CancellationScope();
  setHandler(offerRescinded, ({ reason }) => {
    run.heard.rescinded ??= reason;
    onboarding.cancel();
  });
  setHandler(equipmentDelivered, ({ deliveryId }) => void (run.heard.deliveryId ??= deliveryId));

  try {
    const late = await onboarding.run(() => onboard(run));
    return { outcome: 'active', employeeNumber: run.employeeNumber, late };
  } catch (error) {
    if (!isCancellation(error) || run.heard.rescinded === undefined) throw error;
    return rescind(run, run.heard.rescinded);
  }
}

async function onboard(run: Hire): Promise<string[]> {
  const { hire } = run;
  // 1. The employee record, with its employee number.
  ({ employeeNumber: run.employeeNumber } = await run.steps.uninterrupted(() => createEmployeeRecord(hire)));
  run.undo.add('erase the personal data', () => eraseEmployeeData(run.employeeNumber));

  const { account } = await openAccounts(run);
  // Runs begun before applications took accounts over SCIM went on to the first day.
  if (patched('scim-applications')) await openApplications(run, account);
  run.startStage('preparing-first-day', 'Manager');
  const late = await prepareFirstDay(run, account);

  // 5. Day one.
  await run.steps.uninterrupted(() => markEmployeeActive(run.employeeNumber));
  await run.steps.uninterrupted(() =>
    emailOnce(
      'first-day-summary',
      hire.managerEmail,
      `${run.employeeNumber} starts today`,
      [
        `${hire.legalName} (${run.employeeNumber}) starts today as ${hire.role} in ${hire.department}.`,
        late.length > 0 ? `Not done yet:\n${late.map((item) => `- ${item}`).join('\n')}` : 'Everything is ready.',
      ].join('\n\n'),
    ),
  );
  run.startStage('active');
  return late;
}

/** Undoes what was done, newest first (accounts disabled, equipment cancelled, personal data erased). */
async function rescind(run: Hire, reason: string): Promise<HireToOnboardResult> {
  run.startStage('rescinding');
  await run.steps.settled();
  const notUndone = await run.undo.undoAll(`the hire of ${run.employeeNumber}`);
  await emailOnce(
    'rescinded-notice',
    run.hire.managerEmail,
    `The offer for ${run.employeeNumber} was rescinded`,
    `The offer was rescinded (${reason}). Accounts, equipment and the employee's personal data have been undone.`,
  );
  run.startStage('rescinded');
  return { outcome: 'rescinded', employeeNumber: run.employeeNumber, late: notUndone, reason };
}
