import { msToNumber } from '@temporalio/common/lib/time';
import { condition, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { formatMoney, moneyFrom } from '../../contracts/money';
import { taskId } from '../human-tasks';
import { quickStep } from '../retry-profiles';
import type { Deal } from './deal';
import type { SentInvoice } from './invoicing';
import { creditReturn } from './returns';

const { recordPayment, openTask, closeTask } = proxyActivities<Activities>(quickStep);

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * 6. Cash: each payment is booked as it comes (partial payments add up, an overpayment becomes a credit), and goods
 * returned meanwhile are credited (see `creditReturn`). Past the due date reminders go out at the configured offsets;
 * after the last one Collections get a task, until paid. With a return window set, returns are still credited that
 * long after the invoice is settled. Ends `returned` when credit notes took off the whole invoice.
 */
export async function collectPayment(deal: Deal, invoice: SentInvoice): Promise<'paid' | 'returned'> {
  const { order, runKey, state, enterStep, email } = deal;
  const { customer, settings } = order;
  let outstanding = invoice.gross;
  let credited = 0;
  const somethingArrives = () => state.payments.length > 0 || state.returns.length > 0;
  /** Books what arrived: returns first (they lower what is owed), then payments. */
  const book = async () => {
    for (const goods of state.returns.splice(0)) {
      const result = await creditReturn(deal, invoice, goods);
      if (!result) continue;
      credited += result.credited.amount;
      outstanding = result.outstanding;
    }
    for (const payment of state.payments.splice(0)) {
      const booked = await recordPayment({ ...payment, invoiceNumber: invoice.invoiceNumber });
      outstanding = moneyFrom(booked.outstanding, order.currency);
    }
  };
  /** Books payments and returns until the invoice is settled (true), or until `until` passes first (false). */
  const settled = async (until?: number): Promise<boolean> => {
    while (outstanding.amount > 0) {
      if (until === undefined) await condition(somethingArrives);
      else if (!(await condition(somethingArrives, Math.max(until - Date.now(), 1)))) return false;
      await book();
    }
    return true;
  };
  const ended = async (): Promise<'paid' | 'returned'> => {
    if (settings.returnWindow) {
      const closesAt = Date.now() + msToNumber(settings.returnWindow);
      enterStep('return-window', { on: 'Customer', until: new Date(closesAt) });
      while (await condition(somethingArrives, Math.max(closesAt - Date.now(), 1))) await book();
    }
    return credited >= invoice.gross.amount ? 'returned' : 'paid';
  };

  const dueAt = Date.now() + order.paymentTermsDays * DAY_MS;
  enterStep('awaiting-payment', { on: 'Customer', until: new Date(dueAt) });
  let paid = await settled(dueAt);
  for (const [index, offset] of settings.dunningOffsets.entries()) {
    if (paid) break;
    const reminderAt = dueAt + msToNumber(offset);
    enterStep('dunning', { on: 'Customer', until: new Date(reminderAt) });
    paid = await settled(reminderAt);
    if (!paid) {
      await email(
        `payment-reminder-${index + 1}`,
        customer.billingEmail,
        `Payment reminder ${index + 1}: invoice ${invoice.invoiceNumber}`,
        `Invoice ${invoice.invoiceNumber} was due on ${invoice.dueOn}; ${formatMoney(outstanding)} are still open.`,
      );
    }
  }
  if (paid) return ended();

  const collectionsTask = taskId(runKey, 'collections');
  await openTask({
    taskId: collectionsTask,
    workflowId: runKey,
    title: `Collect ${formatMoney(outstanding)} from ${customer.name} (invoice ${invoice.invoiceNumber})`,
    details: `All payment reminders for invoice ${invoice.invoiceNumber} went unanswered.`,
    assignee: settings.collectionsEmail,
    deadline: new Date().toISOString(),
  });
  await email(
    'collections',
    settings.collectionsEmail,
    `Overdue: invoice ${invoice.invoiceNumber}`,
    `${customer.name} owes ${formatMoney(outstanding)}; reminders went unanswered.`,
  );
  enterStep('collections', { on: 'Collections' });
  await settled();
  await closeTask({ taskId: collectionsTask, decision: 'approve', decidedBy: 'officeflow: paid in full' });
  return ended();
}
