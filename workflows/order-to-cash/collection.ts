import { msToNumber } from '@temporalio/common/lib/time';
import { condition, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { formatMoney, moneyFrom } from '../../contracts/money';
import { taskId } from '../human-task';
import { quickStep } from '../retry-profiles';
import type { Deal } from './deal';
import type { SentInvoice } from './invoicing';

const { recordPayment, openTask, closeTask } = proxyActivities<Activities>(quickStep);

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * 6. Cash: each payment is booked as it comes (partial payments add up, an overpayment becomes a credit). Past the
 * due date reminders go out at the configured offsets; after the last one Collections get a task, until paid.
 */
export async function collectPayment({ order, runKey, state, enterStep, email }: Deal, invoice: SentInvoice): Promise<void> {
  const { customer, settings } = order;
  let outstanding = invoice.gross;
  const paymentArrives = () => state.payments.length > 0;
  /** Books payments until the invoice is settled (true), or until `until` passes first (false). */
  const settled = async (until?: number): Promise<boolean> => {
    while (outstanding.amount > 0) {
      if (until === undefined) await condition(paymentArrives);
      else if (!(await condition(paymentArrives, Math.max(until - Date.now(), 1)))) return false;
      for (const payment of state.payments.splice(0)) {
        const booked = await recordPayment({ ...payment, invoiceNumber: invoice.invoiceNumber });
        outstanding = moneyFrom(booked.outstanding, order.currency);
      }
    }
    return true;
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
  if (paid) return;

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
}
