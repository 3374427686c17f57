import { BankPayment, CashApplicationInput, type CashApplicationSettings } from '../contracts/bank';
import { formatMoney } from '../contracts/money';
import { cashApplication } from '../workflows/cash-application';
import { defineProcess, startsOn } from './define';

const settings: CashApplicationSettings = {
  financeEmail: 'accounts.receivable@officeflow.example',
  applyWithin: '2 days',
  reminder: '1 day',
  // References and known payers (0.9 and up) are applied by officeflow; a name or the amount alone goes to Finance.
  applyAtConfidence: 0.9,
};

/**
 * Cash application. A customer's payment booked on our account (a bank statement's line) is matched to the open
 * invoices it pays and applied to them, so their order-to-cash runs book it; what officeflow is not sure of, Finance
 * applies.
 */
export default defineProcess({
  name: 'cash-application',
  description: "A payment on the bank statement is matched to the invoices it pays and applied to their orders' runs.",
  workflow: cashApplication,
  taskQueue: 'cash-application',
  businessObject: 'payment',
  expectations: { matching: '15 minutes', applying: '30 minutes' },
  settings,
  input: CashApplicationInput,
  describe: ({ payment }) => ({
    businessKey: payment.lineKey,
    summary: `Apply ${formatMoney(payment.amount)} booked ${payment.bookedOn} (${payment.bankReference})`,
    details: `**Account** ${payment.account} · **Reference** ${payment.reference ?? 'none'}`,
  }),
  searchAttributes: [],
  savedQueries: {
    'awaiting-finance': {
      description: 'Payments officeflow could not apply by itself, waiting for Finance to choose their invoices',
      query: 'ProcessStep = "apply-payment" AND ExecutionStatus = "Running"',
    },
    'awaiting-finance-overdue': {
      description: 'Payments waiting for Finance past their deadline',
      query: 'ProcessStep = "apply-payment" AND WaitDeadline < "{now}" AND ExecutionStatus = "Running"',
    },
    'left-unapplied': {
      description: 'Payments Finance left unapplied (not a customer payment, to be returned)',
      query: 'ProcessStep = "left-unapplied"',
    },
  },
  // The example names no invoice: Finance gets the task, and the demo leaves the payment unapplied.
  demo: { events: ['bank.payment.received'], verdict: 'reject' },
  initialSearchAttributes: () => [],
  triggers: [
    startsOn({
      type: 'bank.payment.received',
      description:
        "A customer's payment booked on one of our accounts, as a bank statement line brings it (camt.053, camt.054 or MT940, imported by officeflow).",
      data: BankPayment,
      workflowId: (payment) => `cash-application-${payment.lineKey}`,
      input: (payment) => ({ payment }),
      example: {
        source: '/bank',
        id: 'BL-5b1e0c8d2f4a6b7c9d0e1f2a',
        data: {
          lineKey: 'BL-5b1e0c8d2f4a6b7c9d0e1f2a',
          bankReference: '2026120600012345',
          account: 'DE89370400440532013000',
          amount: { amount: 123456, currency: 'EUR' },
          bookedOn: '2026-12-06',
          payerName: 'Northwind Traders GmbH',
          payerIban: 'DE02120300000000202051',
          text: 'Payment, thank you',
        },
      },
    }),
  ],
});
