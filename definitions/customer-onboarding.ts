import { AccountCreated, CreditLimitApproved, CustomerOnboardingInput, type CustomerOnboardingSettings } from '../contracts/customer';
import { creditLimitApproved, customerOnboarding } from '../workflows/customer-onboarding';
import { defineProcess, signalsOn, startsOn } from './define';
import { CustomerId } from '../contracts/search-attributes';

const settings: CustomerOnboardingSettings = {
  creditReviewTimeout: '2 days',
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
  businessObject: 'customer',
  expectations: { 'welcome-pack': '30 minutes' },
  settings,
  input: CustomerOnboardingInput,
  describe: ({ account }) => ({
    businessKey: account.accountId,
    summary: `Onboard ${account.companyName} (CRM account ${account.accountId})`,
    details: `**Country** ${account.country} · **Currency** ${account.currency}`,
  }),
  searchAttributes: [CustomerId],
  savedQueries: {
    'credit-review': {
      description: 'New customers waiting for Finance to set a credit limit',
      query: 'ProcessStep = "credit-review" AND ExecutionStatus = "Running"',
    },
    'credit-review-overdue': {
      description: 'Credit reviews past their deadline (the customer starts on prepayment)',
      query: 'ProcessStep = "credit-review" AND WaitDeadline < "{now}" AND ExecutionStatus = "Running"',
    },
  },
  demo: {
    events: ['crm.account.created', 'finance.credit_limit.approved'],
    paths: {
      prepayment: { description: 'Finance sets no credit limit in time: the customer pays in advance', events: ['crm.account.created'] },
    },
    quickSettings: { creditReviewTimeout: '5s' },
  },
  initialSearchAttributes: (input) => [{ key: CustomerId, value: input.account.accountId }],
  triggers: [
    startsOn({
      type: 'crm.account.created',
      description: 'A new customer account was created in the CRM.',
      data: AccountCreated,
      workflowId,
      input: ({ salesRepEmail, ...account }) => ({ account, salesRepEmail }),
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
      description: 'Finance approved a credit limit for an account being onboarded (a decimal amount of its currency).',
      data: CreditLimitApproved,
      workflowId,
      signal: creditLimitApproved,
      payload: ({ creditLimit, approvedBy }) => ({ creditLimit, approvedBy }),
      example: {
        source: '/erp/finance',
        id: 'evt-credit-1001',
        data: { accountId: 'ACC-1001', creditLimit: 25000, currency: 'EUR', approvedBy: 'frank.finance@officeflow.example' },
      },
    }),
  ],
});
