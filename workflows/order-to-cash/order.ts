import { msToNumber } from '@temporalio/common/lib/time';
import { condition, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { quickStep } from '../retry-profiles';
import { robots } from '../robots';
import { type Deal, OrderUndone } from './deal';

const { createSalesOrder, cancelSalesOrder, reserveStock, releaseStock, recordRestock } = proxyActivities<Activities>(quickStep);

/**
 * 2–3. The sales order, keyed into the legacy ERP too (only a browser reaches it), then stock reserved line by
 * line: short lines put the order on hold until restocked. Each step pushes its undo. Returns the order number.
 */
export async function placeOrder(deal: Deal, customerNumber: string): Promise<string> {
  const { order, enterStep, undo } = deal;
  enterStep('sales-order');
  const { orderNumber } = await createSalesOrder({
    dealId: order.dealId,
    customerNumber,
    currency: order.currency,
    paymentTermsDays: order.paymentTermsDays,
    lines: order.lines,
  });
  deal.placed.orderNumber = orderNumber;
  undo.add('cancel the sales order', () => cancelSalesOrder(orderNumber));

  enterStep('legacy-erp-entry');
  const { enterOrderInLegacyErp, cancelOrderInLegacyErp } = robots();
  await enterOrderInLegacyErp(orderNumber);
  undo.add('cancel the order in the legacy ERP', () => cancelOrderInLegacyErp(orderNumber));

  await reserveAllStock(deal, orderNumber);
  await deal.tellCrm('ordered', `Sales order ${orderNumber}`);
  deal.checkpoint();
  return orderNumber;
}

/** Reserves stock, and while lines are short: tells Operations and waits for restocks until the restock deadline. */
async function reserveAllStock({ order, state, enterStep, undo, email, checkpoint }: Deal, orderNumber: string): Promise<void> {
  let reservation = await reserveStock(orderNumber);
  undo.add('release the reserved stock', () => releaseStock(orderNumber));
  const deadline = new Date(Date.now() + msToNumber(order.settings.restockDeadline));
  while (!reservation.reserved) {
    const missing = reservation.shortages.map((s) => `${s.sku}: ${s.requested} ordered, ${s.available} available`).join('\n');
    await email('stock-shortage', order.settings.operationsEmail, `Order ${orderNumber} on hold: not enough stock`, missing);
    enterStep('awaiting-stock', { on: 'Operations', until: deadline });
    const arrived = await condition(() => state.restocks.length > 0 || state.cancellation !== undefined, deadline.getTime() - Date.now());
    checkpoint();
    if (!arrived) throw new OrderUndone('out-of-stock', `No stock for order ${orderNumber} by ${deadline.toISOString()}`);
    for (const restock of state.restocks.splice(0)) {
      await recordRestock({ restockKey: restock.restockId, sku: restock.sku, quantity: restock.quantity });
    }
    reservation = await reserveStock(orderNumber);
  }
}
