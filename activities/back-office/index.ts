import { defineSystem } from '../system';
import { contractAuditActivities } from './contract-audit';
import { customerActivities } from './customers';
import { invoiceActivities } from './invoices';
import { ledgerActivities } from './ledger';
import { salesOrderActivities } from './sales-orders';

/**
 * The back office officeflow keeps in PostgreSQL: customers, sales orders and stock, invoices, the ledger and the
 * contracts' audit trail.
 */
export default defineSystem({
  name: 'back-office',
  connect: (_settings, { pool }) => ({
    activities: {
      ...customerActivities(pool),
      ...salesOrderActivities(pool),
      ...invoiceActivities(pool),
      ...ledgerActivities(pool),
      ...contractAuditActivities(pool),
    },
  }),
});
