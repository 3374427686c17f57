import type { ActivityInput, Next, WorkflowInterceptorsFactory, WorkflowOutboundCallsInterceptor } from '@temporalio/workflow';
import type { Activities } from '../activities';

/**
 * How each back-office step reads in a run's event history in the Temporal UI: business words and the business object
 * it touches. Only numbers and ids, never personal data (summaries are encrypted like payloads, but stay terse).
 * Every activity has a line here, so a new one cannot appear in the UI as a bare function name.
 */
const summaries: { [Name in keyof Activities]: (...args: Parameters<Activities[Name]>) => string } = {
  registerCustomer: (account) => `Register CRM account ${account.accountId} as a customer`,
  setCreditLimit: ({ customerNumber }) => `Set the credit limit of ${customerNumber}`,
  checkCredit: ({ customerNumber }) => `Check the credit of ${customerNumber}`,
  markOnboarded: (customerNumber) => `Mark ${customerNumber} onboarded`,
  printWelcomeLetter: ({ customerNumber }) => `Print the welcome letter of ${customerNumber}`,
  createSalesOrder: ({ dealId }) => `Create the sales order of deal ${dealId}`,
  enterOrderInLegacyErp: (orderNumber) => `Key ${orderNumber} into the legacy ERP`,
  cancelOrderInLegacyErp: (orderNumber) => `Cancel ${orderNumber} in the legacy ERP`,
  cancelSalesOrder: (orderNumber) => `Cancel sales order ${orderNumber}`,
  reserveStock: (orderNumber) => `Reserve stock for ${orderNumber}`,
  releaseStock: (orderNumber) => `Release the stock held for ${orderNumber}`,
  recordRestock: ({ sku }) => `Record a restock of ${sku}`,
  createShipment: (orderNumber) => `Create the shipment of ${orderNumber}`,
  recordDelivery: (orderNumber) => `Record the delivery of ${orderNumber}`,
  issueInvoice: (orderNumber) => `Issue the invoice for ${orderNumber}`,
  printInvoice: (invoiceNumber) => `Print ${invoiceNumber} with its e-invoice`,
  recordPayment: ({ invoiceNumber }) => `Book a payment on ${invoiceNumber}`,
  issueCreditNote: ({ invoiceNumber, returnId }) => `Credit return ${returnId} against ${invoiceNumber}`,
  matchPayment: ({ lineKey }) => `Match bank line ${lineKey} to open invoices`,
  invoicesChosen: ({ payment }) => `Check the invoices Finance chose for bank line ${payment.lineKey}`,
  offerCardPayment: ({ invoiceNumber }) => `Offer card payment of ${invoiceNumber} through Stripe`,
  applyPayment: ({ payment, invoiceNumbers }) => `Apply bank line ${payment.lineKey} to ${invoiceNumbers.join(', ')}`,
  prepareRefundRun: ({ runId }) => `Prepare refund run ${runId}: its credit transfer file`,
  releaseRefundRun: ({ runId }) => `Send refund run ${runId} to the bank and book its refunds`,
  rejectRefundRun: ({ runId }) => `Keep refund run ${runId} from the bank; its refunds wait for the next run`,
  bookCardRefund: ({ chargeId }) => `Book the card refund of ${chargeId}`,
  provisionScimUser: ({ application, employeeNumber, groups }) =>
    `Give ${employeeNumber} an account in ${application}${groups.length ? ` (groups ${groups.join(', ')})` : ''} over SCIM`,
  deactivateScimUser: ({ application, employeeNumber }) => `Deactivate the ${application} account of ${employeeNumber} over SCIM`,
  markEmployeeLeft: ({ employeeNumber, lastDay }) => `Mark ${employeeNumber} left after ${lastDay}`,
  printCreditNote: (creditNoteNumber) => `Print credit note ${creditNoteNumber}`,
  postEntry: ({ entryKey }) => `Book journal entry ${entryKey}`,
  fetchWonDeal: ({ dealId, crm }) => `Fetch won deal ${dealId} from ${crm}`,
  updateDeal: ({ dealId, stage }) => `Move CRM deal ${dealId} to ${stage}`,
  noteOnDeal: ({ dealId }) => `Note on CRM deal ${dealId}`,
  // By its kind (`invoice`, `credit-approval/assigned`): a subject may name a person.
  sendEmail: ({ emailKey }) => `E-mail ${emailKey.slice(emailKey.search(/[:/]/) + 1)}`,
  openTask: ({ taskId }) => `Open task ${taskId}`,
  reassignTask: ({ taskId }) => `Reassign task ${taskId}`,
  closeTask: ({ taskId, decision }) => `Record “${decision}” on task ${taskId}`,
  withdrawTask: (taskId) => `Withdraw task ${taskId}`,
  overdueTasksByTeam: () => 'Gather every team’s tasks past their deadline',
  recordAudit: ({ contractId, event }) => `Audit ${contractId}: ${event}`,
  sendForSignature: ({ contractId }) => `Send contract ${contractId} for signature`,
  storeSignedDocument: ({ envelopeId }) => `Keep the signed document of envelope ${envelopeId}`,
  createEmployeeRecord: ({ candidateId }) => `Create the employee record of candidate ${candidateId}`,
  markEmployeeActive: (employeeNumber) => `Mark ${employeeNumber} active`,
  eraseEmployeeData: (employeeNumber) => `Erase the personal data of ${employeeNumber}`,
  orderEquipment: ({ employeeNumber }) => `Order equipment for ${employeeNumber}`,
  recordEquipmentDelivery: ({ orderNumber }) => `Record the delivery of equipment order ${orderNumber}`,
  cancelEquipmentOrder: (orderNumber) => `Cancel equipment order ${orderNumber}`,
  createItAccount: (employeeNumber) => `Create the IT account of ${employeeNumber} in the IT admin portal`,
  disableItAccount: (employeeNumber) => `Disable the IT account of ${employeeNumber}`,
  enrolInPayroll: (employeeNumber) => `Enrol ${employeeNumber} in the payroll portal`,
  endPayrollEnrolment: (employeeNumber) => `End the payroll enrolment of ${employeeNumber}`,
};

/** A step in business words, from its activity and arguments: its summary in the UI, and what its failures name. */
export function stepSummary(activityType: string, args: unknown[]): string | undefined {
  const summary = summaries[activityType as keyof Activities] as ((...args: unknown[]) => string) | undefined;
  return summary?.(...args);
}

class ActivitySummaries implements WorkflowOutboundCallsInterceptor {
  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>) {
    return next({ ...input, options: { summary: stepSummary(input.activityType, input.args), ...input.options } });
  }
}

/** Gives every activity a run schedules its summary (registered with the workflow bundle). */
export const interceptors: WorkflowInterceptorsFactory = () => ({ outbound: [new ActivitySummaries()] });
