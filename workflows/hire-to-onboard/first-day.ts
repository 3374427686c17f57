import { msToNumber } from '@temporalio/common/lib/time';
import { CancellationScope, condition, isCancellation, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { ItAccount } from '../../contracts/hire';
import { emailOnce } from '../email';
import { quickStep } from '../retry-profiles';
import type { Hire } from './hire';

const { orderEquipment, cancelEquipmentOrder, recordEquipmentDelivery } = proxyActivities<Activities>(quickStep);

/** When the first day begins: midnight (UTC) of the start date plus the process's `firstDayBegins`. */
export const firstDayOf = ({ hire, settings }: Hire): Date => new Date(Date.parse(hire.startDate) + msToNumber(settings.firstDayBegins));

/**
 * 3–4. Everything the first day needs, at once until it begins: the equipment ordered and delivered (IT chases it
 * past its deadline), the welcome e-mail at its time, and the manager's preparations. Returns what is not done
 * when the first day begins; what is still open then is withdrawn.
 */
export async function prepareFirstDay(run: Hire, account?: ItAccount): Promise<string[]> {
  const firstDay = firstDayOf(run);
  const done = new Set<string>();
  const preparation = (what: string, work: () => Promise<unknown>) => ({ what, run: () => work().then(() => void done.add(what)) });
  const preparations = [
    preparation('equipment delivered', () => equipment(run)),
    preparation('welcome e-mail sent', () => welcome(run, firstDay, account)),
    preparation('buddy assigned', () =>
      managerTask(run, 'assign-buddy', 'Assign a buddy', 'Pick a colleague who shows them around in their first weeks.'),
    ),
    preparation('first-week plan ready', () =>
      managerTask(run, 'first-week-plan', 'Plan the first week', 'Plan their first week: introductions, trainings, a first task.'),
    ),
  ];

  const open = new CancellationScope();
  const all = open
    .run(() => Promise.all(preparations.map((p) => p.run())))
    .catch((error: unknown) => {
      if (!isCancellation(error)) throw error;
    });
  const firstDayBegins = sleep(Math.max(firstDay.getTime() - Date.now(), 1));
  // A preparation that fails for good fails the run at once; one done early still waits for the day.
  await Promise.race([firstDayBegins, all.then(() => firstDayBegins)]);
  // The first day has begun: what is still open is late, and its tasks are withdrawn.
  open.cancel();
  await all;
  return preparations.filter((p) => !done.has(p.what)).map((p) => p.what);
}

/** Equipment for the role, ordered; delivered when logistics says so, chased by IT past its deadline. */
async function equipment(run: Hire): Promise<void> {
  const { hire, settings, employeeNumber, undo, heard, ask, steps } = run;
  const items = settings.equipmentByRole[hire.role] ?? settings.equipmentByRole.default;
  const { orderNumber } = await steps.uninterrupted(() => orderEquipment({ employeeNumber, items }));
  undo.add('cancel the equipment order', () => cancelEquipmentOrder(orderNumber));
  const delivered = () => heard.deliveryId !== undefined;
  if (!(await condition(delivered, settings.equipmentDeadline))) {
    // Chase it: IT hears of it, and the task goes away when the delivery is reported.
    const chase = new CancellationScope();
    const asked = chase
      .run(() =>
        ask({
          name: 'chase-equipment',
          title: `Equipment for ${employeeNumber} is late`,
          details: `Equipment order ${orderNumber} (${items.join(', ')}) is not delivered. Chase it; approve once it has arrived.`,
          assignee: settings.itEmail,
          waitingOn: 'IT',
          verdicts: ['approve'],
        }),
      )
      .catch((error: unknown) => {
        if (!isCancellation(error) || !delivered()) throw error;
      });
    await Promise.race([asked, condition(delivered)]);
    chase.cancel();
    await asked;
  }
  if (heard.deliveryId) await steps.uninterrupted(() => recordEquipmentDelivery({ orderNumber, deliveryId: heard.deliveryId! }));
}

/** The welcome e-mail to the personal address, `welcomeBeforeStart` before the first day (at once if that is past). */
async function welcome({ hire, settings, employeeNumber, steps }: Hire, firstDay: Date, account?: ItAccount): Promise<void> {
  const sendAt = firstDay.getTime() - msToNumber(settings.welcomeBeforeStart);
  if (sendAt > Date.now()) await sleep(sendAt - Date.now());
  await steps.uninterrupted(() =>
    emailOnce(
      'welcome',
      hire.personalEmail,
      `Welcome on board, ${hire.legalName}`,
      [
        `Dear ${hire.legalName},`,
        '',
        `we look forward to your first day as ${hire.role} in ${hire.department} on ${hire.startDate}.`,
        `Your employee number is ${employeeNumber}${account ? `, and your work e-mail address ${account.workEmail}` : ''}.`,
        `Your manager, ${hire.managerEmail}, will meet you on the day.`,
      ].join('\n'),
    ),
  );
}

/** A preparation the manager confirms, reminded before its deadline and passed to HR past it. */
function managerTask({ ask, hire, settings, employeeNumber }: Hire, name: string, title: string, details: string) {
  return ask({
    name,
    title: `${title} for ${employeeNumber}, starting ${hire.startDate}`,
    details: `${details}\nApprove once it is done.`,
    assignee: hire.managerEmail,
    waitingOn: 'Manager',
    deadline: settings.managerTaskDeadline,
    reminder: settings.managerTaskReminder,
    escalateTo: settings.hrEmail,
    escalationWaitingOn: 'HR',
    verdicts: ['approve'],
  });
}
