import type { Pool } from 'pg';
import type { BillingDetails } from '../../contracts/billing';
import type { CreditCheck, CreditDecision, CrmAccount } from '../../contracts/customer';
import { type Money, add, formatMoney, money, sum, toDecimal } from '../../contracts/money';

/** Customer master data in the back office. Every write is keyed by the CRM account, so retries are harmless. */
export function customerActivities(pool: Pool) {
  return {
    /** Registers or updates a customer; billing details the CRM did not send are kept as they were. */
    async registerCustomer(
      account: Pick<CrmAccount, 'accountId' | 'companyName' | 'country' | 'billingEmail'> & BillingDetails,
    ): Promise<{ customerNumber: string }> {
      const { rows } = await pool.query<{ customer_number: string }>(
        `INSERT INTO customers (crm_account_id, company_name, country, billing_email, street, postal_code, city, vat_id, language,
                                buyer_reference, e_invoice_format, iban)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce($11, 'factur-x'), $12)
         ON CONFLICT (crm_account_id) DO UPDATE
           SET company_name = EXCLUDED.company_name, country = EXCLUDED.country, billing_email = EXCLUDED.billing_email,
               street = coalesce($5, customers.street), postal_code = coalesce($6, customers.postal_code),
               city = coalesce($7, customers.city), vat_id = coalesce($8, customers.vat_id),
               language = coalesce($9, customers.language), buyer_reference = coalesce($10, customers.buyer_reference),
               e_invoice_format = coalesce($11, customers.e_invoice_format), iban = coalesce($12, customers.iban), updated_at = now()
         RETURNING customer_number`,
        [
          account.accountId,
          account.companyName,
          account.country,
          account.billingEmail,
          account.address?.street ?? null,
          account.address?.postalCode ?? null,
          account.address?.city ?? null,
          account.vatId ?? null,
          account.language ?? null,
          account.buyerReference ?? null,
          account.eInvoiceFormat ?? null,
          account.iban ?? null,
        ],
      );
      return { customerNumber: rows[0].customer_number };
    },

    async setCreditLimit({ customerNumber, creditLimit }: { customerNumber: string } & CreditDecision): Promise<void> {
      await pool.query(`UPDATE customers SET credit_limit = $2, credit_currency = $3, updated_at = now() WHERE customer_number = $1`, [
        customerNumber,
        toDecimal(creditLimit),
        creditLimit.currency,
      ]);
    },

    /**
     * Open receivables plus this order against the customer's credit limit (the default when none was set).
     * Amounts of different currencies are never compared: such an order is left to a person.
     */
    async checkCredit(input: { customerNumber: string; orderTotal: Money; defaultCreditLimit: Money }): Promise<CreditCheck> {
      const {
        rows: [customer],
      } = await pool.query<{ credit_limit: string | null; credit_currency: string | null }>(
        'SELECT credit_limit::text, credit_currency FROM customers WHERE customer_number = $1',
        [input.customerNumber],
      );
      const limit = customer.credit_limit === null ? input.defaultCreditLimit : money(customer.credit_limit, customer.credit_currency!);
      const { rows: open } = await pool.query<{ currency: string; open: string }>(
        // Only this customer's invoices and their payments are read (by index): the sum of every payment ever made is not.
        `SELECT i.currency,
                sum(i.gross_total - coalesce((SELECT sum(p.amount) FROM payments p WHERE p.invoice_number = i.invoice_number), 0))::text AS open
           FROM invoices i
          WHERE i.customer_number = $1 GROUP BY i.currency`,
        [input.customerNumber],
      );
      const receivables = open.map((row) => money(row.open, row.currency));
      const otherCurrencies = [...new Set([input.orderTotal, ...receivables].map((m) => m.currency))].filter((c) => c !== limit.currency);
      if (otherCurrencies.length > 0) {
        return {
          withinLimit: false,
          assessment:
            `its credit limit of ${formatMoney(limit)} is in ${limit.currency}, but this order or its open receivables are in ` +
            `${otherCurrencies.join(', ')}; amounts in different currencies are not compared.`,
        };
      }
      const openReceivables = sum(receivables, limit.currency);
      const exposure = add(openReceivables, input.orderTotal);
      const within = exposure.amount <= limit.amount;
      return {
        withinLimit: within,
        assessment:
          `open receivables of ${formatMoney(openReceivables)} plus this order of ${formatMoney(input.orderTotal)} come to ` +
          `${formatMoney(exposure)}, ${within ? 'within' : 'over'} its credit limit of ${formatMoney(limit)}.`,
      };
    },

    async markOnboarded(customerNumber: string): Promise<void> {
      await pool.query(`UPDATE customers SET onboarded_at = coalesce(onboarded_at, now()), updated_at = now() WHERE customer_number = $1`, [
        customerNumber,
      ]);
    },
  };
}
