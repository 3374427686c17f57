import {
  ContractApprovalInput,
  type ContractApprovalSettings,
  ContractRevised,
  ContractSubmitted,
  EnvelopeCompleted,
  EnvelopeDeclined,
} from '../contracts/contract';
import { formatMoney, toDecimal } from '../contracts/money';
import { contractApproval, contractRevised, envelopeCompleted, envelopeDeclined } from '../workflows/contract-approval';
import { defineProcess, signalsOn, startsOn } from './define';
import { Assignees, ContractValue, CustomerId } from '../contracts/search-attributes';

const EUR = (amount: number) => ({ amount: amount * 100, currency: 'EUR' });

/**
 * Who approves a contract, decided from its data. Each row is a stage, in order; a row applies when any of its
 * conditions holds; its approvers decide in parallel, and the stage passes when all of them approve, or any one.
 */
const rules: ContractApprovalSettings['rules'] = [
  {
    stage: 'sales',
    waitingOn: 'Sales management',
    when: { always: true },
    approvers: ['sales.manager@officeflow.example'],
    passWhen: 'all',
  },
  {
    stage: 'finance',
    waitingOn: 'Finance',
    when: { amountAtLeast: EUR(50_000) },
    approvers: ['finance.controller@officeflow.example'],
    passWhen: 'all',
  },
  {
    stage: 'legal',
    waitingOn: 'Legal',
    when: { amountAtLeast: EUR(250_000), flag: 'nonStandardClauses' },
    approvers: ['legal.counsel@officeflow.example', 'cfo@officeflow.example'],
    passWhen: 'all',
  },
];

const settings: ContractApprovalSettings = {
  rules,
  managers: {
    'sales.manager@officeflow.example': 'sales.director@officeflow.example',
    'finance.controller@officeflow.example': 'cfo@officeflow.example',
    'legal.counsel@officeflow.example': 'general.counsel@officeflow.example',
    'cfo@officeflow.example': 'ceo@officeflow.example',
  },
  approvalDeadline: '3 days',
  approvalReminder: '2 days',
  renewalNotice: '90 days',
  // Four eyes: nobody approves twice, and tasks stay inside the company.
  duties: { delegateTo: { domains: ['officeflow.example'] } },
};

const workflowId = (data: { contractId: string }) => `contract-approval-${data.contractId}`;

/**
 * Contract approval. Sales submits a contract in the CRM; the rule table routes it to the stages it needs; approvers
 * decide in parallel within a stage, with deadlines, reminders, escalation to their managers and delegation; a
 * change request waits for the revised contract. Every step is in the contract's audit trail.
 */
export default defineProcess({
  name: 'contract-approval',
  description: 'A contract submitted by Sales is approved by the people its value and clauses call for.',
  workflow: contractApproval,
  taskQueue: 'contract-approval',
  businessObject: 'contract',
  expectations: { routing: '15 minutes' },
  settings,
  input: ContractApprovalInput,
  describe: (input) => ({
    businessKey: input.contractId,
    summary: `Contract ${input.contractId} with ${input.customerId}: ${formatMoney(input.value)} over ${input.termMonths} months`,
    details: `**Opportunity** ${input.opportunityId} · **Version** ${input.document.version} · **Non-standard clauses** ${input.nonStandardClauses.length}`,
  }),
  searchAttributes: [CustomerId, ContractValue, Assignees],
  savedQueries: {
    'waiting-on-legal-past-deadline': {
      description: 'Contracts waiting on Legal past their deadline',
      query: 'WaitingOn = "Legal" AND WaitDeadline < "{now}" AND ExecutionStatus = "Running"',
    },
    'in-approval': {
      description: 'Contracts in an approval stage, any team',
      query: 'ProcessStep STARTS_WITH "approval:" AND ExecutionStatus = "Running"',
    },
    'large-contracts-in-approval': {
      description: 'Contracts of 250,000 or more still in approval',
      query: 'ContractValue >= 250000 AND ProcessStep STARTS_WITH "approval:" AND ExecutionStatus = "Running"',
    },
    'awaiting-signature': {
      description: 'Approved contracts the customer has not signed yet',
      query: 'ProcessStep = "awaiting-signature" AND ExecutionStatus = "Running"',
    },
  },
  demo: {
    events: ['crm.contract.submitted'],
    plays: { 'awaiting-signature': 'customer-signs' },
    restsAt: { 'in-force': 'in force' },
    paths: {
      'change-requested': {
        description: 'Finance asks for changes; Sales sends the revised contract, which is approved afresh and signed',
        events: ['crm.contract.submitted', 'crm.contract.revised'],
        verdicts: { 'round-1:finance:1': 'request-changes' },
        sendAt: { 'crm.contract.revised': 'awaiting-revision' },
      },
      rejected: { description: 'Finance rejects the contract', verdicts: { 'round-1:finance:1': 'reject' } },
      escalated: {
        description: 'the sales manager leaves it past the deadline; their manager approves, and it goes on to Finance and signature',
        escalates: ['round-1:sales:1'],
      },
    },
    quickSettings: { approvalDeadline: '6s', approvalReminder: '3s' },
  },
  initialSearchAttributes: (input) => [
    { key: CustomerId, value: input.customerId },
    { key: ContractValue, value: Number(toDecimal(input.value)) },
  ],
  triggers: [
    startsOn({
      type: 'crm.contract.submitted',
      description: 'Sales submitted a contract for approval (its value as a decimal amount of its currency).',
      data: ContractSubmitted,
      workflowId,
      example: {
        source: '/crm/contracts',
        id: 'evt-contract-3001',
        data: {
          contractId: 'K-3001',
          customerId: 'ACC-1001',
          opportunityId: 'D-3001',
          submittedBy: 'sam.sales@officeflow.example',
          signer: { name: 'Maria Anders', email: 'maria.anders@northwind.example' },
          value: 120000,
          currency: 'EUR',
          termMonths: 24,
          nonStandardClauses: [],
          document: { version: 'v1', text: 'Master services agreement between Northwind Traders GmbH and officeflow.' },
        },
      },
    }),
    signalsOn({
      type: 'crm.contract.revised',
      description: 'Sales revised a contract after changes were requested: a new document version, and what else changed.',
      data: ContractRevised,
      workflowId,
      signal: contractRevised,
      payload: ({ contractId: _contractId, ...revision }) => revision,
      example: {
        source: '/crm/contracts',
        id: 'evt-contract-3001-v2',
        data: {
          contractId: 'K-3001',
          value: 300000,
          currency: 'EUR',
          document: { version: 'v2', text: 'Master services agreement, revised.' },
        },
      },
    }),
    signalsOn({
      type: 'esign.envelope.completed',
      description: 'The e-signature service reports that the customer signed the approved contract.',
      data: EnvelopeCompleted,
      workflowId,
      signal: envelopeCompleted,
      payload: ({ envelopeId, signedAt }) => ({ envelopeId, signedAt }),
      example: {
        source: '/esign',
        id: 'evt-envelope-3001',
        data: {
          envelopeId: 'ENV-000001',
          contractId: 'K-3001',
          signedAt: '2026-11-25T10:00:00Z',
          signerEmail: 'maria.anders@northwind.example',
        },
      },
    }),
    signalsOn({
      type: 'esign.envelope.declined',
      description: 'The e-signature service reports the contract will not be signed: the signer declined it, or it was voided.',
      data: EnvelopeDeclined,
      workflowId,
      signal: envelopeDeclined,
      payload: ({ envelopeId, status, reason }) => ({ envelopeId, status, ...(reason ? { reason } : {}) }),
      example: {
        source: '/esign',
        id: 'evt-envelope-declined-3001',
        data: { envelopeId: 'ENV-000001', contractId: 'K-3001', status: 'declined', reason: 'The liability cap is not what we agreed' },
      },
    }),
  ],
});
