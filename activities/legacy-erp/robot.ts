import { orderForPortals, recordLegacyOrderNumber } from '../back-office/sales-orders';
import { savedEarlier } from '../robots/entries';
import type { Portal } from '../robots/portal';
import { type Robot, runRobot } from '../robots/robot';

/** The legacy order that carries our order number as its reference, if the portal has one. */
async function findByReference(robot: Robot, reference: string) {
  return robot.step('look for the order', async () => {
    await robot.open(`/orders?reference=${encodeURIComponent(reference)}`);
    return (await robot.table('Orders')).find((row) => row.Reference === reference);
  });
}

/**
 * The robot for the legacy ERP portal, which has no API: it types orders in through Chromium, as a clerk would.
 * A retry looks for the order first, so a retried step never keys an order twice.
 */
export function legacyErpRobots(portal: Portal) {
  return {
    async enterOrderInLegacyErp(orderNumber: string): Promise<{ legacyOrderNumber: string }> {
      const order = await orderForPortals(portal.pool, orderNumber);
      const legacyOrderNumber = await runRobot(portal, `key in order ${orderNumber}`, async (robot) => {
        const existing = await savedEarlier(portal.pool, `legacy-erp/order/${orderNumber}`, () => findByReference(robot, orderNumber));
        if (existing) return existing.Order;
        await robot.step('fill in the order', async () => {
          await robot.open('/orders/new');
          await robot.fillIn({
            'Customer no.': order.customerNumber,
            'Your reference': orderNumber,
            Currency: order.currency,
            ...Object.fromEntries(
              order.lines.flatMap((line, index) => [
                [`Item no. ${index + 1}`, line.sku],
                [`Quantity ${index + 1}`, String(line.quantity)],
                [`Price ${index + 1}`, line.unitPrice],
              ]),
            ),
          });
        });
        await robot.step('save the order', () => robot.submit('Save order'));
        return robot.step('read the order number', () => robot.read('Order no.'));
      });
      await recordLegacyOrderNumber(portal.pool, orderNumber, legacyOrderNumber);
      return { legacyOrderNumber };
    },

    async cancelOrderInLegacyErp(orderNumber: string): Promise<void> {
      await runRobot(portal, `cancel order ${orderNumber}`, async (robot) => {
        const existing = await findByReference(robot, orderNumber);
        if (!existing || existing.Status === 'cancelled') return;
        await robot.step('cancel the order', async () => {
          await robot.open(`/orders/${existing.Order}`);
          await robot.submit('Cancel order');
        });
      });
    },
  };
}
