import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import { type Money, money, toDecimal } from '../../contracts/money';
import { type OrderLine, type StockShortage, orderTotal } from '../../contracts/order';
import { inTransaction } from '../../db/transaction';

/** Sales orders, stock and shipments in the back office. Keyed by deal and order, so every retry is harmless. */
export function salesOrderActivities(pool: Pool) {
  return {
    async createSalesOrder(order: {
      dealId: string;
      customerNumber: string;
      currency: string;
      paymentTermsDays: number;
      lines: OrderLine[];
    }): Promise<{ orderNumber: string; netTotal: Money }> {
      const netTotal = orderTotal(order.lines, order.currency);
      return inTransaction(pool, async (db) => {
        const created = await db.query<{ order_number: string }>(
          `INSERT INTO sales_orders (deal_id, customer_number, currency, net_total, payment_terms_days)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (deal_id) DO NOTHING RETURNING order_number`,
          [order.dealId, order.customerNumber, order.currency, toDecimal(netTotal), order.paymentTermsDays],
        );
        if (created.rowCount === 0) {
          const { rows } = await db.query('SELECT order_number, net_total::text, currency FROM sales_orders WHERE deal_id = $1', [
            order.dealId,
          ]);
          return { orderNumber: rows[0].order_number, netTotal: money(rows[0].net_total, rows[0].currency) };
        }
        const orderNumber = created.rows[0].order_number;
        const unknown = await db.query<{ sku: string }>(
          'SELECT sku FROM unnest($1::text[]) AS wanted(sku) WHERE sku NOT IN (SELECT sku FROM products)',
          [order.lines.map((line) => line.sku)],
        );
        if (unknown.rowCount) {
          throw ApplicationFailure.nonRetryable(`unknown products: ${unknown.rows.map((r) => r.sku).join(', ')}`, 'UnknownProduct');
        }
        for (const [index, line] of order.lines.entries()) {
          await db.query(`INSERT INTO sales_order_lines (order_number, line_no, sku, quantity, unit_price) VALUES ($1, $2, $3, $4, $5)`, [
            orderNumber,
            index + 1,
            line.sku,
            line.quantity,
            toDecimal(line.unitPrice),
          ]);
        }
        return { orderNumber, netTotal };
      });
    },

    async cancelSalesOrder(orderNumber: string): Promise<void> {
      await pool.query(`UPDATE sales_orders SET status = 'cancelled' WHERE order_number = $1`, [orderNumber]);
    },

    /**
     * Reserves what stock allows, line by line; the order stays on hold until every line is reserved, and the
     * short lines are reported. Product rows are locked in SKU order, so concurrent orders neither oversell
     * nor deadlock.
     */
    async reserveStock(orderNumber: string): Promise<{ reserved: boolean; shortages: StockShortage[] }> {
      return inTransaction(pool, async (db) => {
        // Reservations of a product queue one after another; NO KEY UPDATE still lets new orders' lines, whose foreign
        // key takes KEY SHARE, be written meanwhile (FOR UPDATE held them: sales orders timed out in a burst).
        await db.query(
          `SELECT 1 FROM products WHERE sku IN (SELECT sku FROM sales_order_lines WHERE order_number = $1) ORDER BY sku FOR NO KEY UPDATE`,
          [orderNumber],
        );
        const { rows: lines } = await db.query<{ sku: string; requested: number; available: number; reserved: boolean }>(
          `SELECT l.sku, sum(l.quantity)::int AS requested,
                  p.on_hand - (SELECT coalesce(sum(r.quantity), 0)::int FROM stock_reservations r
                                WHERE r.sku = l.sku AND r.released_at IS NULL AND r.order_number <> $1) AS available,
                  EXISTS (SELECT 1 FROM stock_reservations r WHERE r.sku = l.sku AND r.order_number = $1) AS reserved
             FROM sales_order_lines l JOIN products p ON p.sku = l.sku
            WHERE l.order_number = $1 GROUP BY l.sku, p.on_hand ORDER BY l.sku`,
          [orderNumber],
        );
        const shortages: StockShortage[] = [];
        for (const line of lines.filter((l) => !l.reserved)) {
          if (line.available >= line.requested) {
            await db.query(`INSERT INTO stock_reservations (order_number, sku, quantity) VALUES ($1, $2, $3)`, [
              orderNumber,
              line.sku,
              line.requested,
            ]);
          } else {
            shortages.push({ sku: line.sku, requested: line.requested, available: Math.max(line.available, 0) });
          }
        }
        await db.query(`UPDATE sales_orders SET status = $2 WHERE order_number = $1`, [orderNumber, shortages.length ? 'on_hold' : 'open']);
        return { reserved: shortages.length === 0, shortages };
      });
    },

    async releaseStock(orderNumber: string): Promise<void> {
      await pool.query(`UPDATE stock_reservations SET released_at = now() WHERE order_number = $1 AND released_at IS NULL`, [orderNumber]);
    },

    /** Books goods received into stock, once per restock. */
    async recordRestock(restock: { restockKey: string; sku: string; quantity: number }): Promise<void> {
      await inTransaction(pool, async (db) => {
        const inserted = await db.query(`INSERT INTO restocks (restock_key, sku, quantity) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [
          restock.restockKey,
          restock.sku,
          restock.quantity,
        ]);
        if (inserted.rowCount) await db.query('UPDATE products SET on_hand = on_hand + $2 WHERE sku = $1', [restock.sku, restock.quantity]);
      });
    },

    /** Ships an order: its reserved stock leaves the warehouse. Once per order. */
    async createShipment(orderNumber: string): Promise<{ shipmentNumber: string }> {
      return inTransaction(pool, async (db) => {
        const created = await db.query<{ shipment_number: string }>(
          `INSERT INTO shipments (order_number) VALUES ($1) ON CONFLICT (order_number) DO NOTHING RETURNING shipment_number`,
          [orderNumber],
        );
        if (created.rowCount) {
          await db.query(
            `UPDATE products p SET on_hand = p.on_hand - r.quantity FROM stock_reservations r
              WHERE r.sku = p.sku AND r.order_number = $1 AND r.released_at IS NULL`,
            [orderNumber],
          );
          await db.query(`UPDATE stock_reservations SET released_at = now() WHERE order_number = $1 AND released_at IS NULL`, [
            orderNumber,
          ]);
          return { shipmentNumber: created.rows[0].shipment_number };
        }
        const { rows } = await db.query('SELECT shipment_number FROM shipments WHERE order_number = $1', [orderNumber]);
        return { shipmentNumber: rows[0].shipment_number };
      });
    },

    async recordDelivery(orderNumber: string): Promise<void> {
      await pool.query(`UPDATE shipments SET delivered_at = coalesce(delivered_at, now()) WHERE order_number = $1`, [orderNumber]);
    },
  };
}

/** A sales order as a portal robot types it in: the customer, the currency, the lines with decimal prices. */
export async function orderForPortals(pool: Pool, orderNumber: string) {
  const {
    rows: [order],
  } = await pool.query<{ customer_number: string; currency: string }>(
    'SELECT customer_number, currency FROM sales_orders WHERE order_number = $1',
    [orderNumber],
  );
  const { rows: lines } = await pool.query<{ sku: string; quantity: number; unit_price: string }>(
    'SELECT sku, quantity, unit_price::text FROM sales_order_lines WHERE order_number = $1 ORDER BY line_no',
    [orderNumber],
  );
  return {
    customerNumber: order.customer_number,
    currency: order.currency,
    lines: lines.map((line) => ({ sku: line.sku, quantity: line.quantity, unitPrice: line.unit_price })),
  };
}

/** The number the legacy ERP gave the order, kept with it. */
export async function recordLegacyOrderNumber(pool: Pool, orderNumber: string, legacyOrderNumber: string): Promise<void> {
  await pool.query('UPDATE sales_orders SET legacy_order_number = $2 WHERE order_number = $1', [orderNumber, legacyOrderNumber]);
}
