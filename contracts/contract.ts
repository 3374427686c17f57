import { z } from 'zod';
import { ApprovalStageRule, thresholdsInCurrencyOf } from './approval';
import { Duties } from './human-tasks';
import { businessKey, currencyCode, duration, email, label, plainText } from './fields';
import { Money, decimalAmount, inMinorUnits } from './money';

/** The contract document, by version: its text, or where the CRM serves it. */
export const ContractDocument = z
  .object({ version: label.max(50), text: plainText(500_000).min(1).optional(), url: z.url({ protocol: /^https?$/ }).optional() })
  .refine((document) => document.text !== undefined || document.url !== undefined, 'needs its text or a URL');
export type ContractDocument = z.infer<typeof ContractDocument>;

/** What decides a contract's route: its value, term and non-standard clauses. */
const terms = {
  termMonths: z.number().int().min(1).max(600),
  nonStandardClauses: z.array(label).max(50),
  document: ContractDocument,
};

export const Contract = z.object({
  contractId: businessKey,
  customerId: businessKey,
  /** The CRM opportunity the contract closes. */
  opportunityId: businessKey,
  /** The sales rep who submitted it, who also owns the account. */
  submittedBy: email,
  /** Who signs for the customer. */
  signer: z.object({ name: label, email }),
  value: Money,
  ...terms,
});
export type Contract = z.infer<typeof Contract>;

/** `crm.contract.submitted`, as the CRM sends it: the value as a decimal of its currency. */
export const ContractSubmitted = Contract.omit({ value: true })
  .extend({ value: decimalAmount, currency: currencyCode })
  .transform(({ value, currency, ...contract }, ctx) => ({ ...contract, value: inMinorUnits(value, currency, ctx, ['value']) }));

/** A revision answers a change request: a new document version, and whatever else changed. */
export const Revision = z.object({
  value: Money.optional(),
  ...terms,
  termMonths: terms.termMonths.optional(),
  nonStandardClauses: terms.nonStandardClauses.optional(),
});
export type Revision = z.infer<typeof Revision>;

/** `crm.contract.revised`, as the CRM sends it. */
export const ContractRevised = z
  .object({
    contractId: businessKey,
    value: decimalAmount.optional(),
    currency: currencyCode.optional(),
    ...Revision.omit({ value: true }).shape,
  })
  .refine((revision) => (revision.value === undefined) === (revision.currency === undefined), {
    message: 'value and currency go together',
    path: ['currency'],
  })
  .transform(({ value, currency, ...revision }, ctx) => ({
    ...revision,
    ...(value !== undefined ? { value: inMinorUnits(value, currency!, ctx, ['value']) } : {}),
  }));

export const ContractApprovalSettings = z.object({
  /** The routing table, in stage order: its flag `nonStandardClauses` holds for a contract with any. */
  rules: z.array(ApprovalStageRule).min(1),
  /** Each approver's manager: who gets a task past its deadline. */
  managers: z.record(z.string(), email),
  approvalDeadline: duration,
  approvalReminder: duration,
  /** How long before the term ends the account owner is reminded to renew. */
  renewalNotice: duration,
  /** Who approvers may delegate to, and whether one person may approve twice (never, unless it says so). */
  duties: Duties.optional(),
});
export type ContractApprovalSettings = z.infer<typeof ContractApprovalSettings>;

export const ContractApprovalInput = Contract.extend({ settings: ContractApprovalSettings }).superRefine((input, ctx) =>
  thresholdsInCurrencyOf(input.settings.rules, input.value, ctx, ['currency']),
);
export type ContractApprovalInput = z.infer<typeof ContractApprovalInput>;

export const ContractApprovalResult = z.object({
  outcome: z.enum(['signed', 'rejected', 'signature-declined']),
  documentVersion: z.string(),
  /** The stages that approved it, in order. */
  stages: z.array(z.string()),
  reason: z.string().optional(),
  /** The signed document, kept in the document store, and its SHA-256. */
  signed: z.object({ documentKey: z.string(), sha256: z.string(), signedAt: z.iso.datetime() }).optional(),
});
export type ContractApprovalResult = z.infer<typeof ContractApprovalResult>;

/** `esign.envelope.completed`: the e-signature service reports the signer has signed. */
export const EnvelopeCompleted = z.object({
  envelopeId: businessKey,
  contractId: businessKey,
  signedAt: z.iso.datetime({ offset: true }),
  /** Who signed, where the service says (DocuSign Connect with "Include Recipients"). */
  signerEmail: email.optional(),
});

/**
 * `esign.envelope.declined`: the e-signature service reports the envelope will not be signed — the signer declined
 * it, or the sender voided it — with the reason given.
 */
export const EnvelopeDeclined = z.object({
  envelopeId: businessKey,
  contractId: businessKey,
  status: z.enum(['declined', 'voided']),
  reason: plainText(1000).optional(),
});
export type EnvelopeDeclined = z.infer<typeof EnvelopeDeclined>;

/** One entry of a contract's audit trail. */
export const AuditEntry = z.object({
  contractId: z.string(),
  event: z.string(),
  actor: z.string().optional(),
  onBehalfOf: z.string().optional(),
  documentVersion: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
