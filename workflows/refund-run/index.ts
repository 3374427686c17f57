import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { formatMoney } from '../../contracts/money';
import type { PreparedRefundRun, RefundRunInput, RefundRunResult } from '../../contracts/refunds';
import { humanTasks } from '../human-tasks';
import { trackProgress } from '../progress';
import { quickStep } from '../retry-profiles';

const { prepareRefundRun, releaseRefundRun, rejectRefundRun } = proxyActivities<Activities>(quickStep);

/** The run as the approver reads it: each transfer, what is left out and why, and the file. */
const described = (run: PreparedRefundRun) => [
  `${run.transfers.length} SEPA credit transfers, ${formatMoney(run.total)} in all, in ${run.documentKey}`,
  run.checkedAgainst
    ? `(checked against ${run.checkedAgainst}, SHA-256 ${run.sha256}).`
    : `(SHA-256 ${run.sha256}; no schema installed to check it against).`,
  '',
  ...run.transfers.map(
    (t) => `- ${t.refundKey}: ${formatMoney(t.amount)} to ${t.creditorName} (${t.creditorIban}) for invoice ${t.invoiceNumber}`,
  ),
  ...(run.leftOut.length
    ? [
        '',
        'Not in this run:',
        ...run.leftOut.map((l) => `- invoice ${l.invoiceNumber} (${l.customerNumber}): ${formatMoney(l.amount)}, ${l.why}`),
      ]
    : []),
];

/**
 * A refund run: what officeflow owes customers back — credit notes on paid invoices, over-payments — leaves as SEPA
 * credit transfers.
 *
 * 1. Prepare: every refund owed with a known IBAN becomes a transfer of one pain.001.001.09 file, kept in the document
 *    store; each refund is claimed by this run alone.
 * 2. Four eyes: a second person in Finance, never the one who asked for the run, checks the total and the transfers.
 * 3. Released: the file goes to the bank and the refunds are booked; rejected: it never goes, and its refunds wait for
 *    the next run.
 */
export async function refundRun({ runId, requestedBy, customerNumbers, settings }: RefundRunInput): Promise<RefundRunResult> {
  const progress = trackProgress('preparing');
  // The person who asked prepared the run: they may not release it.
  const ask = humanTasks(progress, { about: [requestedBy] });

  const run = await prepareRefundRun({ runId, requestedBy, customerNumbers, executeAfterDays: settings.executeAfterDays });
  if (run.transfers.length === 0) {
    progress.enterStep('nothing-to-refund');
    return { outcome: 'nothing-to-refund', leftOut: run.leftOut.length };
  }

  progress.enterStep('awaiting-release');
  const decision = await ask({
    name: 'release-refund-run',
    title: `Release refund run ${runId}: ${run.transfers.length} transfers, ${formatMoney(run.total)}`,
    details: [
      `${requestedBy} prepared refund run ${runId}${customerNumbers ? ` for ${customerNumbers.join(', ')}` : ''}:`,
      ...described(run),
      '',
      'Approve to send the file to the bank and book the refunds; reject to keep it from the bank, saying why (its refunds wait for the next run).',
    ].join('\n'),
    assignee: settings.approverEmail,
    escalateTo: settings.escalateTo,
    waitingOn: 'Finance',
    deadline: settings.releaseWithin,
    reminder: settings.reminder,
    commentRequiredFor: ['reject'],
  });
  if (decision.decision !== 'approve') {
    const reason = decision.comment ?? decision.decision;
    await rejectRefundRun({ runId, rejectedBy: decision.decidedBy, reason });
    progress.enterStep('rejected');
    return { outcome: 'rejected', transfers: run.transfers.length, rejectedBy: decision.decidedBy, reason };
  }
  await releaseRefundRun({ runId, releasedBy: decision.decidedBy });
  progress.enterStep('released');
  return {
    outcome: 'released',
    transfers: run.transfers.length,
    total: run.total,
    releasedBy: decision.decidedBy,
    documentKey: run.documentKey!,
  };
}
