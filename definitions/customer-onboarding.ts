import type { Duration } from '@temporalio/common';
import { z } from 'zod';
import { creditLimitApproved, customerOnboarding } from '../workflows/customer-onboarding';
import { defineProcess, signalsOn, startsOn } from './define';
import { businessKey, countryCode, currencyCode, duration, email } from './schemas';
import { CustomerId } from './search-attributes';

const account = z.object({
  accountId: businessKey,
  companyName: z.string().min(1).max(200),
  country: countryCode,
  currency: currencyCode,
  billingEmail: email,
  contactName: z.string().min(1).max(200),
});

const accountCreated = account.extend({ salesRepEmail: email });

const creditLimitDecision = z.object({
  accountId: businessKey,
  creditLimit: z.number().nonnegative().max(1e12),
  currency: currencyCode,
  approvedBy: z.string().min(1).max(200),
});

const settings = {
  /** Finance's time to set a credit limit before the customer starts on prepayment terms. */
  creditReviewTimeout: '2 days' as Duration,
};

const workflowId = (data: { accountId: string }) => `customer-onboarding-${data.accountId}`;

/**
 * Customer onboarding. The CRM reports a new account; the back office registers the customer, Finance sets a
 * credit limit (or the customer starts on prepayment after two days), the customer receives a welcome letter
 * and the sales rep a notice.
 */
export default defineProcess({
  name: 'customer-onboarding',
  description: 'A customer won in the CRM becomes a back-office customer with credit terms and a welcome letter.',
  workflow: customerOnboarding,
  taskQueue: 'customer-onboarding',
  settings,
  input: z.object({ account, salesRepEmail: email, creditReviewTimeout: duration }),
  searchAttributes: [CustomerId],
  initialSearchAttributes: (input) => [{ key: CustomerId, value: input.account.accountId }],
  triggers: [
    startsOn({
      type: 'crm.account.created',
      description: 'A new customer account was created in the CRM.',
      data: accountCreated,
      workflowId,
      input: ({ salesRepEmail, ...crmAccount }, _event, timing: typeof settings) => ({ account: crmAccount, salesRepEmail, ...timing }),
      example: {
        source: '/crm/accounts',
        id: 'evt-acct-1001',
        data: {
          accountId: 'ACC-1001',
          companyName: 'Northwind Traders GmbH',
          country: 'DE',
          currency: 'EUR',
          billingEmail: 'billing@northwind.example',
          contactName: 'Maria Anders',
          salesRepEmail: 'sam.sales@officeflow.example',
        },
      },
    }),
    signalsOn({
      type: 'finance.credit_limit.approved',
      description: 'Finance approved a credit limit for an account being onboarded.',
      data: creditLimitDecision,
      workflowId,
      signal: creditLimitApproved,
      payload: ({ creditLimit, currency, approvedBy }) => ({ creditLimit, currency, approvedBy }),
      example: {
        source: '/erp/finance',
        id: 'evt-credit-1001',
        data: { accountId: 'ACC-1001', creditLimit: 25000, currency: 'EUR', approvedBy: 'frank.finance@officeflow.example' },
      },
    }),
  ],
});
