import type { Pool } from 'pg';

/** Equipment for new employees, ordered from logistics: one order per employee, however often a step runs. */
export function equipmentActivities(pool: Pool) {
  return {
    async orderEquipment({ employeeNumber, items }: { employeeNumber: string; items: string[] }): Promise<{ orderNumber: string }> {
      const { rows } = await pool.query<{ order_number: string }>(
        `INSERT INTO equipment_orders (employee_number, items) VALUES ($1, $2)
         ON CONFLICT (employee_number) DO UPDATE SET employee_number = EXCLUDED.employee_number
         RETURNING order_number`,
        [employeeNumber, items],
      );
      return { orderNumber: rows[0].order_number };
    },

    async recordEquipmentDelivery({ orderNumber, deliveryId }: { orderNumber: string; deliveryId: string }): Promise<void> {
      await pool.query(
        `UPDATE equipment_orders SET status = 'delivered', delivery_id = $2 WHERE order_number = $1 AND status = 'ordered'`,
        [orderNumber, deliveryId],
      );
    },

    async cancelEquipmentOrder(orderNumber: string): Promise<void> {
      await pool.query(`UPDATE equipment_orders SET status = 'cancelled' WHERE order_number = $1 AND status = 'ordered'`, [orderNumber]);
    },
  };
}
