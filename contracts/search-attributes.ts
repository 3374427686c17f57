import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes every officeflow run may carry, so operators can filter runs in the Temporal UI,
 * e.g. `WaitingOn = "Finance" AND WaitDeadline < "2026-12-01T00:00:00Z"`. Registered with the server at start.
 * They hold business keys and states only, never personal data (they are not encrypted).
 */
/** The business object the run is for (a deal, an account, a contract, a candidate): one run per key and process. */
export const BusinessKey = defineSearchAttributeKey('BusinessKey', SearchAttributeType.KEYWORD);
export const ProcessStep = defineSearchAttributeKey('ProcessStep', SearchAttributeType.KEYWORD);
export const WaitingOn = defineSearchAttributeKey('WaitingOn', SearchAttributeType.KEYWORD);
export const WaitDeadline = defineSearchAttributeKey('WaitDeadline', SearchAttributeType.DATETIME);
export const CustomerId = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const OrderTotal = defineSearchAttributeKey('OrderTotal', SearchAttributeType.DOUBLE);
/** An order's invoice, once issued: an operator (or a bank's payment) finds the order's run by it. */
export const InvoiceNumber = defineSearchAttributeKey('InvoiceNumber', SearchAttributeType.KEYWORD);
/** The people a run waits on by name, where several decide at once. */
export const Assignees = defineSearchAttributeKey('Assignees', SearchAttributeType.KEYWORD_LIST);
export const ContractValue = defineSearchAttributeKey('ContractValue', SearchAttributeType.DOUBLE);

/** What every run carries, whatever its process. */
export const everyRunSearchAttributes = [BusinessKey, ProcessStep, WaitingOn, WaitDeadline];
/** A hire's business key in the applicant-tracking system, and the department they join (no personal data). */
export const CandidateId = defineSearchAttributeKey('CandidateId', SearchAttributeType.KEYWORD);
export const Department = defineSearchAttributeKey('Department', SearchAttributeType.KEYWORD);
