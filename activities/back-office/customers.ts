import type { Pool } from 'pg';
import type { CreditDecision, CrmAccount } from '../../workflows/customer-onboarding';

/** Customer master data in the back office. Every write is keyed by the CRM account, so retries are harmless. */
export function customerActivities(pool: Pool) {
  return {
    async registerCustomer(account: Pick<CrmAccount, 'accountId' | 'companyName' | 'country' | 'billingEmail'>): Promise<{ customerNumber: string }> {
      const { rows } = await pool.query<{ customer_number: string }>(
        `INSERT INTO customers (crm_account_id, company_name, country, billing_email)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (crm_account_id) DO UPDATE
           SET company_name = EXCLUDED.company_name, country = EXCLUDED.country,
               billing_email = EXCLUDED.billing_email, updated_at = now()
         RETURNING customer_number`,
        [account.accountId, account.companyName, account.country, account.billingEmail],
      );
      return { customerNumber: rows[0].customer_number };
    },

    async setCreditLimit(input: { customerNumber: string } & CreditDecision): Promise<void> {
      await pool.query(
        `UPDATE customers SET credit_limit = $2, credit_currency = $3, updated_at = now() WHERE customer_number = $1`,
        [input.customerNumber, input.creditLimit, input.currency],
      );
    },

    /** Open receivables plus this order against the customer's credit limit (the default when none was set). */
    async checkCredit(input: { customerNumber: string; orderTotal: number; defaultCreditLimit: number }) {
      const { rows } = await pool.query<{ credit_limit: string | null; open: string }>(
        `SELECT c.credit_limit,
                coalesce((SELECT sum(gross_total) FROM invoices WHERE customer_number = c.customer_number), 0)
                - coalesce((SELECT sum(p.amount) FROM payments p JOIN invoices i USING (invoice_number)
                             WHERE i.customer_number = c.customer_number), 0) AS open
           FROM customers c WHERE c.customer_number = $1`,
        [input.customerNumber],
      );
      const creditLimit = rows[0].credit_limit === null ? input.defaultCreditLimit : Number(rows[0].credit_limit);
      const openReceivables = Number(rows[0].open);
      return { creditLimit, openReceivables, withinLimit: openReceivables + input.orderTotal <= creditLimit };
    },

    async markOnboarded(customerNumber: string): Promise<void> {
      await pool.query(
        `UPDATE customers SET onboarded_at = coalesce(onboarded_at, now()), updated_at = now() WHERE customer_number = $1`,
        [customerNumber],
      );
    },
  };
}
