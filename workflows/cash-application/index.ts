import {
  ActivityFailure,
  ApplicationFailure,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import {
  ANOTHER_INVOICE,
  BALANCE_CHANGED,
  type CashApplicationInput,
  type CashApplicationResult,
  type InvoiceCandidate,
  type PaymentAllocation,
  type PaymentMatch,
} from '../../contracts/bank';
import { formatMoney } from '../../contracts/money';
import { humanTasks } from '../human-tasks';
import { paymentReceived } from '../order-to-cash/messages';
import { type RunProgress, trackProgress } from '../progress';
import { quickStep } from '../retry-profiles';

const { matchPayment, applyPayment, recordPayment, invoicesChosen } = proxyActivities<Activities>(quickStep);

/** A candidate as Finance reads it on the task: the invoice, what it owes, why, and how sure officeflow is. */
const described = (c: InvoiceCandidate) =>
  `${c.invoiceNumber} · ${c.customerName} · owes ${formatMoney(c.outstanding)} · ${c.reasons.join(', ') || 'no reason'} ` +
  `(${Math.round(c.confidence * 100)}%)${c.refused ? ` · cannot be chosen: ${c.refused}` : ''}`;

/**
 * Cash application: a customer's payment from a bank statement is matched to the open invoices it pays and applied to
 * them. A process of its own rather than a step of order-to-cash, because a payment comes before anyone knows which
 * order it is for, one transfer may settle the invoices of several orders, and some need a person to decide.
 *
 * 1. Match: by the RF reference the invoice carries, the invoice number in the text, or the amount and who paid.
 * 2. Officeflow applies it when it is sure enough (`applyAtConfidence`); else Finance gets a task listing the
 *    candidates and why, and chooses (or leaves it unapplied, saying why). A payment in another currency than the
 *    invoice is never converted: Finance decides.
 * 3. Apply: the oldest due first, each invoice takes what it owes, the newest the rest (an over-payment, booked as the
 *    customer's credit);
 *    each order-to-cash run hears of its share as a payment, so dunning stops, the ledger books it and the CRM hears.
 */
export async function cashApplication({ payment, settings }: CashApplicationInput): Promise<CashApplicationResult> {
  const progress = trackProgress('matching');
  const ask = humanTasks(progress);

  const match: PaymentMatch = await matchPayment(payment);
  const { proposal } = match;
  if (proposal && proposal.confidence >= settings.applyAtConfidence) {
    progress.enterStep('applying');
    try {
      const allocations = await applyPayment({ payment, ...proposal, appliedBy: 'officeflow' });
      return applied(allocations, 'officeflow', progress);
    } catch (error) {
      // Another payment settled an invoice since matching: what is left of the match is for a person to weigh.
      if (!(error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === BALANCE_CHANGED))
        throw error;
    }
  }

  const choosable = match.candidates.filter((c) => !c.refused);
  // Runs recorded before Finance could name an invoice of their own took the choice as it was.
  const mayNameAnother = patched('finance-names-another-invoice');
  for (let round = 1, refused: string | undefined; ; round++) {
    const decision = await ask({
      // The first round's name is the task's name of old.
      name: round === 1 ? 'apply-payment' : `apply-payment-${round}`,
      title: `Apply ${formatMoney(payment.amount)} from ${payment.payerName ?? 'an unnamed payer'} (${payment.bankReference})`,
      details: [
        `Booked ${payment.bookedOn} on ${payment.account}: ${formatMoney(payment.amount)}`,
        `from ${payment.payerName ?? 'an unnamed payer'}${payment.payerIban ? ` (${payment.payerIban})` : ''}.`,
        `Reference: ${payment.reference ?? 'none'}. Text: ${payment.text ?? 'none'}.`,
        '',
        proposal
          ? `officeflow would apply it to ${proposal.invoiceNumbers.join(', ')} (${Math.round(proposal.confidence * 100)}%: ${proposal.reason}), but is not sure enough, or another payment came first.`
          : 'officeflow found no invoice it could apply it to by itself.',
        ...(refused ? ['', `Your last choice was not applied: ${refused}.`] : []),
        '',
        'Candidates:',
        ...(match.candidates.length ? match.candidates.map((c) => `- ${described(c)}`) : ['- none']),
        '',
        'Approve with the invoices it pays (the oldest due is settled first, the newest takes any rest as the customer’s credit; for one not listed, tick "another invoice" and write its number in the comment), or reject to leave it unapplied, saying why.',
      ].join('\n'),
      assignee: settings.financeEmail,
      waitingOn: 'Finance',
      deadline: settings.applyWithin,
      reminder: settings.reminder,
      ...choicesFor(choosable, mayNameAnother),
      commentRequiredFor: ['reject'],
    });
    if (decision.decision !== 'approve') {
      progress.enterStep('left-unapplied');
      return { outcome: 'left-unapplied', invoiceNumbers: [], appliedBy: decision.decidedBy };
    }
    const chosen = mayNameAnother
      ? await invoicesChosen({ payment, chosen: decision.chosen ?? [], comment: decision.comment })
      : { invoiceNumbers: decision.chosen ?? [] };
    refused = chosen.refused;
    if (refused) continue;
    progress.enterStep('applying');
    const allocations = await applyPayment({
      payment,
      invoiceNumbers: chosen.invoiceNumbers,
      confidence: 1,
      reason: `chosen by ${decision.decidedBy}${decision.comment ? `: ${decision.comment}` : ''}`,
      appliedBy: decision.decidedBy,
    });
    return applied(allocations, decision.decidedBy, progress);
  }
}

/** What Finance may tick: the candidates, and (since Finance may name one) another invoice; else only reject. */
const choicesFor = (choosable: InvoiceCandidate[], mayNameAnother: boolean) => {
  const choices = [
    ...choosable.map((c) => ({ id: c.invoiceNumber, label: described(c) })),
    ...(mayNameAnother ? [{ id: ANOTHER_INVOICE, label: 'Another invoice: write its number in the comment' }] : []),
  ];
  return choices.length ? { choices } : { verdicts: ['reject' as const] };
};

/** Tells each order-to-cash run of its share: the payment is applied. */
async function applied(allocations: PaymentAllocation[], appliedBy: string, progress: RunProgress): Promise<CashApplicationResult> {
  for (const allocation of allocations) await tellOrder(allocation);
  progress.enterStep('applied');
  return { outcome: 'applied', invoiceNumbers: allocations.map((a) => a.invoiceNumber), appliedBy };
}

/**
 * Tells an order-to-cash run of its share, as a payment it books; a run that has ended (paid already, its return
 * window closed) cannot hear, so its share is booked here instead: as a payment beyond what is owed, the customer's
 * credit.
 */
async function tellOrder(allocation: PaymentAllocation): Promise<void> {
  try {
    await getExternalWorkflowHandle(allocation.workflowId).signal(paymentReceived, {
      paymentId: allocation.paymentId,
      amount: allocation.amount,
    });
  } catch (error) {
    if (isCancellation(error)) throw error;
    await recordPayment({ paymentId: allocation.paymentId, amount: allocation.amount, invoiceNumber: allocation.invoiceNumber });
  }
}
