import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import {
  allHandlersFinished,
  condition,
  defineSignal,
  proxyActivities,
  setHandler,
  upsertMemo,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { DealStage } from '../activities/crm/connector';
import { humanTasks, taskId } from './human-task';
import { trackProgress } from './progress';

const activities = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { maximumInterval: '30 seconds' },
});
const { registerCustomer, checkCredit, createSalesOrder, reserveStock, releaseStock, recordRestock, cancelSalesOrder } = activities;
const { createShipment, recordDelivery, issueInvoice, printInvoice, recordPayment, sendEmail, updateDeal } = activities;
const { openTask, closeTask, noteOnDeal } = activities;
// The browser robot waits on a slow legacy portal; its heartbeats let a lost worker's attempt be retried soon.
const { enterOrderInLegacyErp, cancelOrderInLegacyErp } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '3 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { maximumInterval: '1 minute', maximumAttempts: 10 },
});

export interface OrderLine {
  sku: string;
  quantity: number;
  unitPrice: number;
}

export interface DealCustomer {
  id: string;
  name: string;
  billingEmail: string;
  country: string;
}

/** Who decides and how long they have: from the process definition. */
export interface OrderToCashSettings {
  creditApprover: string;
  financeManager: string;
  operationsEmail: string;
  collectionsEmail: string;
  /** Credit for customers without a limit of their own. */
  defaultCreditLimit: number;
  creditApprovalDeadline: Duration;
  creditApprovalReminder: Duration;
  /** How long an order waits on hold for stock before it is cancelled. */
  restockDeadline: Duration;
  /** Payment reminders, counted from the due date; after the last one collections take over. */
  dunningOffsets: Duration[];
}

export interface OrderToCashInput {
  dealId: string;
  customer: DealCustomer;
  lines: OrderLine[];
  currency: string;
  paymentTermsDays: number;
  salesRepEmail: string;
  settings: OrderToCashSettings;
}

export type OrderOutcome = 'paid' | 'credit-rejected' | 'cancelled' | 'out-of-stock';

export interface OrderToCashResult {
  outcome: OrderOutcome;
  orderNumber?: string;
  invoiceNumber?: string;
  reason?: string;
}

export interface Payment {
  paymentId: string;
  amount: number;
  currency: string;
}

export const shipmentDelivered = defineSignal<[{ deliveredAt?: string }]>('shipmentDelivered');
export const paymentReceived = defineSignal<[Payment]>('paymentReceived');
export const stockRestocked = defineSignal<[{ restockId: string; sku: string; quantity: number }]>('stockRestocked');
export const dealCancelled = defineSignal<[{ reason: string }]>('dealCancelled');

const DAY_MS = 24 * 60 * 60 * 1000;

/** An order's net total: what the credit check weighs and operators search by. */
export const orderTotal = (lines: OrderLine[]): number => lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);

/**
 * Order-to-cash: a deal closed in the CRM becomes a checked, reserved, shipped, invoiced and paid order,
 * booked in the ledger, with the CRM told at every milestone.
 */
export async function orderToCash(order: OrderToCashInput): Promise<OrderToCashResult> {
  const { settings, customer } = order;
  const runKey = workflowInfo().workflowId;
  const enterStep = trackProgress('credit-check');
  const askPerson = humanTasks(enterStep);
  const tellCrm = (stage: DealStage, note?: string) => updateDeal({ dealId: order.dealId, stage, note, updateKey: `${runKey}/${stage}` });
  const email = (kind: string, to: string, subject: string, text: string, attachmentKeys: string[] = []) =>
    sendEmail({ emailKey: `${runKey}/${kind}`, to, subject, text, attachmentKeys });

  // Signals arrive at any time; the steps below read them.
  let cancellation: { reason: string } | undefined;
  let shipped = false;
  let delivered = false;
  const restocks: Array<{ restockId: string; sku: string; quantity: number }> = [];
  const payments: Payment[] = [];
  const seenPayments = new Set<string>();
  setHandler(shipmentDelivered, () => void (delivered = true));
  setHandler(stockRestocked, (restock) => void restocks.push(restock));
  setHandler(paymentReceived, (payment) => {
    if (!seenPayments.has(payment.paymentId)) payments.push(payment);
    seenPayments.add(payment.paymentId);
  });
  setHandler(dealCancelled, async ({ reason }) => {
    if (!shipped) {
      cancellation ??= { reason };
      return;
    }
    // Goods have left: the order stands. The run's memo and the CRM say why.
    upsertMemo({ cancellationRefused: `Requested after shipment: ${reason}` });
    await noteOnDeal({
      dealId: order.dealId,
      text: `Cancellation refused: the order has already shipped. (Requested: ${reason})`,
      noteKey: `${runKey}/cancellation-refused`,
    });
  });

  // Undo steps, pushed as each step succeeds and run newest first when the deal is cancelled.
  const compensations: Array<() => Promise<unknown>> = [];
  const placed: { orderNumber?: string } = {};
  const cancelOrder = async (outcome: OrderOutcome, reason: string): Promise<OrderToCashResult> => {
    enterStep('cancelling');
    for (const undo of compensations.reverse()) await undo();
    await tellCrm('cancelled', reason);
    await condition(allHandlersFinished);
    enterStep('cancelled');
    return { outcome, orderNumber: placed.orderNumber, reason };
  };
  /** The cancellation, if the CRM asked for one: checked between the steps before shipment. */
  const cancelIfRequested = () => (cancellation ? cancelOrder('cancelled', cancellation.reason) : undefined);

  // 1. Customer and credit.
  const { customerNumber } = await registerCustomer({
    accountId: customer.id,
    companyName: customer.name,
    country: customer.country,
    billingEmail: customer.billingEmail,
  });
  const total = orderTotal(order.lines);
  const credit = await checkCredit({ customerNumber, orderTotal: total, defaultCreditLimit: settings.defaultCreditLimit });
  if (!credit.withinLimit) {
    const decision = await askPerson({
      name: 'credit-approval',
      title: `Credit approval for ${customer.name}: order of ${total.toFixed(2)} ${order.currency}`,
      details: `Deal ${order.dealId} would bring ${customer.name} (${customerNumber}) to ${(credit.openReceivables + total).toFixed(2)} ${order.currency} open, over its credit limit of ${credit.creditLimit.toFixed(2)}.`,
      assignee: settings.creditApprover,
      waitingOn: 'Finance',
      deadline: settings.creditApprovalDeadline,
      reminder: settings.creditApprovalReminder,
      escalateTo: settings.financeManager,
      escalationWaitingOn: 'Finance manager',
    });
    if (decision.decision === 'reject') {
      const why = `Credit not approved by ${decision.decidedBy}${decision.comment ? `: ${decision.comment}` : ''}`;
      await tellCrm('blocked', why);
      await email('credit-rejected', order.salesRepEmail, `Deal ${order.dealId} is blocked: credit not approved`, `${why}.`);
      enterStep('credit-rejected');
      return { outcome: 'credit-rejected', reason: why };
    }
  }
  const cancelledAfterCredit = cancelIfRequested();
  if (cancelledAfterCredit) return cancelledAfterCredit;

  // 2. Sales order, keyed into the legacy ERP too (3), which only a browser can reach; then stock.
  enterStep('sales-order');
  const salesOrder = await createSalesOrder({ ...order, customerNumber });
  placed.orderNumber = salesOrder.orderNumber;
  compensations.push(() => cancelSalesOrder(salesOrder.orderNumber));
  enterStep('legacy-erp-entry');
  await enterOrderInLegacyErp(salesOrder.orderNumber);
  compensations.push(() => cancelOrderInLegacyErp(salesOrder.orderNumber));
  let reservation = await reserveStock(salesOrder.orderNumber);
  compensations.push(() => releaseStock(salesOrder.orderNumber));
  const restockDeadline = new Date(Date.now() + msToNumber(settings.restockDeadline));
  while (!reservation.reserved) {
    const missing = reservation.shortages.map((s) => `${s.sku}: ${s.requested} ordered, ${s.available} available`).join('\n');
    await email('stock-shortage', settings.operationsEmail, `Order ${salesOrder.orderNumber} on hold: not enough stock`, missing);
    enterStep('awaiting-stock', { on: 'Operations', until: restockDeadline });
    const arrived = await condition(() => restocks.length > 0 || cancellation !== undefined, restockDeadline.getTime() - Date.now());
    const cancelledWhileOnHold = cancelIfRequested();
    if (cancelledWhileOnHold) return cancelledWhileOnHold;
    if (!arrived) return cancelOrder('out-of-stock', `No stock for order ${salesOrder.orderNumber} by ${restockDeadline.toISOString()}`);
    for (const restock of restocks.splice(0)) {
      await recordRestock({ restockKey: restock.restockId, sku: restock.sku, quantity: restock.quantity });
    }
    reservation = await reserveStock(salesOrder.orderNumber);
  }
  await tellCrm('ordered', `Sales order ${salesOrder.orderNumber}`);
  const cancelledBeforeShipment = cancelIfRequested();
  if (cancelledBeforeShipment) return cancelledBeforeShipment;

  // 4. Fulfilment. From here the goods are gone: cancellations are refused.
  enterStep('shipping');
  shipped = true;
  const { shipmentNumber } = await createShipment(salesOrder.orderNumber);
  await tellCrm('shipped', `Shipment ${shipmentNumber}`);
  enterStep('in-delivery', { on: 'Logistics' });
  await condition(() => delivered);
  await recordDelivery(salesOrder.orderNumber);

  // 5. Invoice, booked in the ledger as it is issued.
  enterStep('invoicing');
  const invoice = await issueInvoice(salesOrder.orderNumber);
  const pdf = await printInvoice(invoice.invoiceNumber);
  await email(
    'invoice',
    customer.billingEmail,
    `Invoice ${invoice.invoiceNumber}`,
    `Dear ${customer.name},\n\nplease find attached invoice ${invoice.invoiceNumber} over ${invoice.grossTotal.toFixed(2)} ${invoice.currency}, due on ${invoice.dueOn}.`,
    [pdf.documentKey],
  );
  await tellCrm('invoiced', `Invoice ${invoice.invoiceNumber}: ${invoice.grossTotal.toFixed(2)} ${invoice.currency}`);

  // 6. Cash: payments as they come; reminders after the due date, then collections.
  let outstanding = invoice.grossTotal;
  const paymentArrives = () => payments.length > 0;
  /** Books payments until the invoice is settled (true), or until `until` passes first (false). */
  const settled = async (until?: number): Promise<boolean> => {
    while (outstanding > 0) {
      if (until === undefined) await condition(paymentArrives);
      else if (!(await condition(paymentArrives, Math.max(until - Date.now(), 1)))) return false;
      for (const payment of payments.splice(0)) {
        ({ outstanding } = await recordPayment({ ...payment, invoiceNumber: invoice.invoiceNumber }));
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
        `Invoice ${invoice.invoiceNumber} was due on ${invoice.dueOn}; ${outstanding.toFixed(2)} ${invoice.currency} are still open.`,
      );
    }
  }
  if (!paid) {
    const collectionsTask = taskId(runKey, 'collections');
    await openTask({
      taskId: collectionsTask,
      workflowId: runKey,
      title: `Collect ${outstanding.toFixed(2)} ${invoice.currency} from ${customer.name} (invoice ${invoice.invoiceNumber})`,
      details: `All payment reminders for invoice ${invoice.invoiceNumber} went unanswered.`,
      assignee: settings.collectionsEmail,
      deadline: new Date().toISOString(),
    });
    await email('collections', settings.collectionsEmail, `Overdue: invoice ${invoice.invoiceNumber}`, `${customer.name} owes ${outstanding.toFixed(2)} ${invoice.currency}; reminders went unanswered.`);
    enterStep('collections', { on: 'Collections' });
    await settled();
    await closeTask({ taskId: collectionsTask, decision: 'approve', decidedBy: 'officeflow: paid in full' });
  }

  // 8. Front office: paid.
  await tellCrm('paid', `Invoice ${invoice.invoiceNumber} paid`);
  await email('paid', order.salesRepEmail, `${customer.name} has paid invoice ${invoice.invoiceNumber}`, `Deal ${order.dealId} is paid in full.`);
  await condition(allHandlersFinished);
  enterStep('paid');
  return { outcome: 'paid', orderNumber: salesOrder.orderNumber, invoiceNumber: invoice.invoiceNumber };
}
