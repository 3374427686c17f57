import { z } from 'zod';
import { businessKey, duration, email, label, plainText } from './fields';
import { Money } from './money';

/**
 * What a line of a bank statement is, read from the bank's own codes: a customer's payment (a credit, not a reversal,
 * not the bank's interest), a debit, a reversal of an earlier line, the bank's charges, or a direct debit the payer's
 * bank returned unpaid. Only payments are applied to invoices.
 */
export const BankLineKind = z.enum(['payment', 'debit', 'reversal', 'charges', 'returned-direct-debit', 'other-credit']);
export type BankLineKind = z.infer<typeof BankLineKind>;

/** A booked line of a statement, as officeflow keeps it, whichever format brought it (camt.053, camt.054, MT940). */
export interface BankLine {
  /** officeflow's key of the line: the same booking in any statement, however often it arrives, has the same key. */
  lineKey: string;
  /** The bank's reference of the booking (the account servicer's reference, else the entry's), for people. */
  bankReference: string;
  /** Our account the line was booked on (an IBAN). */
  account: string;
  kind: BankLineKind;
  /** The amount booked, positive; `credit` says in which direction. */
  amount: Money;
  credit: boolean;
  bookedOn: string;
  valueOn?: string;
  /** Who paid (a credit) or was paid (a debit), as the bank names them. */
  counterpartyName?: string;
  counterpartyIban?: string;
  /** A structured creditor reference the payer gave (`CdtrRefInf`), as given. */
  reference?: string;
  /** The remittance text, unstructured. */
  text?: string;
  endToEndId?: string;
  /** The bank's transaction code: ISO's domain/family/sub-family (`PMNT/RCDT/ESCT`), else its proprietary or SWIFT code. */
  bankCode?: string;
}

/** A statement as read from a file: whose account, which statement, its lines. */
export interface BankStatement {
  /** The format and version the file declares: `camt.053.001.08`, `camt.054.001.02`, `mt940`. */
  format: string;
  /** The statement's id (camt `Stmt/Id`, MT940 tag 20 and 28C), which the bank does not repeat. */
  statementId: string;
  account: string;
  lines: BankLine[];
}

/** `bank.payment.received`: a customer's payment on one of our accounts, from a bank statement line. */
export const BankPayment = z.object({
  lineKey: businessKey,
  bankReference: plainText(200),
  /** Our account (an IBAN, or the bank's own account number in an MT940 without one). */
  account: plainText(50).min(1),
  amount: Money,
  bookedOn: z.iso.date(),
  valueOn: z.iso.date().optional(),
  /** One line: it is shown on Finance's task and its e-mail. */
  payerName: label.optional(),
  /** As the bank gives it: an IBAN, or another account number outside SEPA. */
  payerIban: plainText(50).optional(),
  /** The structured creditor references the payer gave, space-separated (one transfer may pay several invoices). */
  reference: plainText(500).optional(),
  text: plainText(1000).optional(),
  endToEndId: plainText(100).optional(),
});
export type BankPayment = z.infer<typeof BankPayment>;

/** Who applies payments and how sure officeflow must be to apply one without asking: cash application's settings. */
export const CashApplicationSettings = z.object({
  /** Finance's person who applies what officeflow cannot. */
  financeEmail: email,
  /** How long Finance has to apply a payment, and when they are reminded. */
  applyWithin: duration,
  reminder: duration.optional(),
  /** The least confidence (0 to 1) at which officeflow applies a payment itself: 0.9 applies references and known payers. */
  applyAtConfidence: z.number().min(0).max(1),
});
export type CashApplicationSettings = z.infer<typeof CashApplicationSettings>;

export const CashApplicationInput = z.object({ payment: BankPayment, settings: CashApplicationSettings });
export type CashApplicationInput = z.infer<typeof CashApplicationInput>;

/** The choice on Finance's task for an invoice not among the candidates, named in the comment. */
export const ANOTHER_INVOICE = 'another-invoice';

/** The failure type of an automatic application whose invoices no longer owe what matching saw: a person decides. */
export const BALANCE_CHANGED = 'BalanceChanged';

/** An open invoice a payment may settle, and why officeflow thinks so. */
export interface InvoiceCandidate {
  invoiceNumber: string;
  customerName: string;
  /** What the invoice still owes, in its own currency. */
  outstanding: Money;
  /** The order-to-cash run the invoice belongs to. */
  workflowId: string;
  /** Why it is a candidate: `RF reference RF18…`, `invoice number in the text`, `amount and IBAN`. */
  reasons: string[];
  /** How sure officeflow is that the payment is for it, 0 to 1. */
  confidence: number;
  /** Why it cannot be chosen (another currency): never converted. */
  refused?: string;
}

/** What matching found: every candidate, and the invoices officeflow would apply the payment to, with its confidence. */
export interface PaymentMatch {
  candidates: InvoiceCandidate[];
  /** What officeflow would apply it to, how sure it is and why, and what each invoice owed as it matched. */
  proposal?: { invoiceNumbers: string[]; confidence: number; reason: string; expected: Record<string, Money> };
}

/** A share of a payment applied to one invoice: what its order-to-cash run hears as a payment. */
export interface PaymentAllocation {
  invoiceNumber: string;
  workflowId: string;
  paymentId: string;
  amount: Money;
}

export const CashApplicationResult = z.object({
  outcome: z.enum(['applied', 'left-unapplied']),
  invoiceNumbers: z.array(label),
  appliedBy: label,
});
export type CashApplicationResult = z.infer<typeof CashApplicationResult>;
