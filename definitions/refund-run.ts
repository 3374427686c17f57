import { RefundRunInput, RefundRunRequest, type RefundRunSettings } from '../contracts/refunds';
import { refundRun } from '../workflows/refund-run';
import { defineProcess, startsOn } from './define';

const settings: RefundRunSettings = {
  approverEmail: 'treasury@officeflow.example',
  // Who releases a run the treasury asked for itself.
  escalateTo: 'head.of.finance@officeflow.example',
  releaseWithin: '3 days',
  reminder: '1 day',
  executeAfterDays: 1,
};

/**
 * Refund runs. What officeflow owes customers back (credit notes on paid invoices, over-payments) is gathered into one
 * SEPA credit transfer file, which a second person in Finance releases to the bank.
 */
export default defineProcess({
  name: 'refund-run',
  description: 'What customers are owed back leaves as one SEPA credit transfer file, released by a second person in Finance.',
  workflow: refundRun,
  taskQueue: 'refund-run',
  businessObject: 'refund-run',
  expectations: { preparing: '30 minutes' },
  settings,
  input: RefundRunInput,
  describe: ({ runId, requestedBy }) => ({
    businessKey: runId,
    summary: `Refund run ${runId}`,
    details: `**Asked for by** ${requestedBy}`,
  }),
  searchAttributes: [],
  savedQueries: {
    'awaiting-release': {
      description: 'Refund runs waiting for a second person in Finance to release them',
      query: 'ProcessStep = "awaiting-release" AND ExecutionStatus = "Running"',
    },
    rejected: { description: 'Refund runs kept from the bank', query: 'ProcessStep = "rejected"' },
  },
  // The demo asks for one customer's refunds, whom its books owe nothing: the run finds nothing to pay.
  demo: { events: ['bank.refund-run.requested'] },
  initialSearchAttributes: () => [],
  triggers: [
    startsOn({
      type: 'bank.refund-run.requested',
      description: 'A person in Finance asks for what customers are owed back to be paid (`officeflow bank refunds`).',
      data: RefundRunRequest,
      workflowId: ({ runId }) => `refund-run-${runId}`,
      example: {
        source: '/bank',
        id: 'RR-20261206-1',
        data: { runId: 'RR-20261206-1', requestedBy: 'accounts.receivable@officeflow.example', customerNumbers: ['C-RR-20261206-1'] },
      },
    }),
  ],
});
