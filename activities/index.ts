import type { Transporter } from 'nodemailer';
import type { Pool } from 'pg';
import type { BrowserPool } from '../infra/browser';
import { customerActivities } from './back-office/customers';
import { crmActivities } from './crm/connector';
import { type LegacyErpAccess, legacyErpActivities } from './legacy-erp/robot';
import { invoiceDocumentActivities } from './documents/invoice';
import { welcomeLetterActivities } from './documents/welcome-letter';
import { salesOrderActivities } from './erp/sales-orders';
import { invoiceActivities } from './finance/invoices';
import { mailActivities } from './mail/outbox';
import { taskListActivities } from './tasks/task-list';

/** The clients activities reach the office systems through; one set per worker process. */
export interface ActivityDeps {
  pool: Pool;
  mail: { transport: Transporter; from: string };
  browser: BrowserPool;
  crmUrl: string;
  legacyErp: LegacyErpAccess;
}

/** Every activity, grouped by the office system it touches. Workflows type their proxies with this. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...customerActivities(deps.pool),
    ...welcomeLetterActivities(deps.pool, deps.browser),
    ...invoiceDocumentActivities(deps.pool, deps.browser),
    ...salesOrderActivities(deps.pool),
    ...invoiceActivities(deps.pool),
    ...mailActivities(deps.pool, deps.mail.transport, deps.mail.from),
    ...taskListActivities(deps.pool),
    ...crmActivities(deps.crmUrl),
    ...legacyErpActivities(deps.pool, deps.browser, deps.legacyErp),
  };
}
