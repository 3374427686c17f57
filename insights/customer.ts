import type { Pool } from 'pg';
import { type ObjectRun, type OpenTask, openTasksOf, runsTouching } from './object-runs';

/** The one view of a customer across every process: their runs, open tasks, invoices and contracts. */
export interface CustomerView {
  customer: string;
  /** The back office's record, once onboarded or invoiced. */
  record?: { customerNumber: string; companyName: string; country: string };
  runs: ObjectRun[];
  openTasks: OpenTask[];
  invoices: Array<{ invoiceNumber: string; currency: string; gross: string; owed: string; issuedOn: string; dueOn: string }>;
  /** What the customer still owes, per currency (decimals). */
  owed: Record<string, string>;
  /** Their contracts as contract approval has them: its run's step, or how it ended. */
  contracts: Array<{ contract: string; state: string; workflowId: string }>;
}

/**
 * Everything the engine knows of a customer by their CRM id (`ACC-1001`), on the engine's task queues: the runs that
 * name them or one of their invoices, the tasks those runs wait on, their invoices with what is still owed, and their
 * contracts' states.
 */
export async function customerView(pool: Pool, customer: string, taskQueues: string[]): Promise<CustomerView> {
  const {
    rows: [record],
  } = await pool.query<{ customerNumber: string; companyName: string; country: string }>(
    `SELECT customer_number AS "customerNumber", company_name AS "companyName", country FROM customers WHERE crm_account_id = $1`,
    [customer],
  );
  // What is owed as bank matching sees it (`invoice_balances`): less credit notes, payments and allocated bank lines.
  const { rows: invoices } = await pool.query<CustomerView['invoices'][number]>(
    `SELECT i.invoice_number AS "invoiceNumber", i.currency, i.gross_total::text AS gross, b.outstanding::text AS owed,
            i.issued_on::text AS "issuedOn", i.due_on::text AS "dueOn"
       FROM invoices i JOIN invoice_balances b USING (invoice_number)
      WHERE i.customer_number = $1 ORDER BY i.issued_on, i.invoice_number`,
    [record?.customerNumber ?? null],
  );
  const runs = await runsTouching(pool, { customer: [customer], invoice: invoices.map((invoice) => invoice.invoiceNumber) }, taskQueues);
  const openTasks = await openTasksOf(pool, runs);
  const owed: Record<string, string> = {};
  const { rows: totals } = await pool.query<{ currency: string; owed: string }>(
    `SELECT currency, sum(outstanding)::text AS owed FROM invoice_balances WHERE customer_number = $1 GROUP BY currency`,
    [record?.customerNumber ?? null],
  );
  for (const total of totals) owed[total.currency] = total.owed;
  const contracts = runs
    .filter((run) => run.objects.contract)
    .map((run) => ({ contract: run.objects.contract, state: run.outcome ?? run.step ?? 'started', workflowId: run.workflowId }));
  return {
    customer,
    ...(record ? { record } : {}),
    runs,
    openTasks,
    invoices,
    owed,
    contracts,
  };
}
