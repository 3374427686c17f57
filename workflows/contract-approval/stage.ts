import { CancellationScope, condition, isCancellation } from '@temporalio/workflow';
import type { Contract, ContractApprovalSettings } from '../../contracts/contract';
import type { Decision } from '../../contracts/human-task';
import { formatMoney } from '../../contracts/money';
import type { Ask } from '../human-task';
import type { ApprovalStage } from './routing';

/** How a stage ended: passed, or the decision that ended it (a rejection, a change request). */
export type StageOutcome = { passed: true } | { passed: false; approver: string; decision: Decision };

const details = (contract: Contract, stage: ApprovalStage) =>
  [
    `Contract ${contract.contractId} for customer ${contract.customerId}: ${formatMoney(contract.value)}, ${contract.termMonths} months.`,
    `Non-standard clauses: ${contract.nonStandardClauses.join('; ') || 'none'}.`,
    `Document version ${contract.document.version}${contract.document.url ? `: ${contract.document.url}` : ''}.`,
    `The ${stage.stage} stage applies because of ${stage.because}; it passes when ${stage.passWhen === 'all' ? 'every approver approves' : 'one approver approves'}.`,
  ].join('\n');

/**
 * One approval stage: every approver gets a task at once. The stage passes when all approve (or, where the rule says
 * so, any one); a change request ends it, and so does a rejection (for "any": once everyone has rejected). The tasks
 * still open are then withdrawn.
 */
export async function runStage(
  ask: Ask,
  contract: Contract,
  stage: ApprovalStage,
  round: number,
  settings: ContractApprovalSettings,
): Promise<StageOutcome> {
  const decided: Array<{ approver: string; decision: Decision }> = [];
  let failure: unknown;
  const scope = new CancellationScope();
  const tasks = stage.approvers.map(async (approver, index) => {
    const manager = settings.managers[approver];
    try {
      const decision = await scope.run(() =>
        ask({
          name: `round-${round}:${stage.stage}:${index + 1}`,
          title: `Approve contract ${contract.contractId} (${stage.stage}), version ${contract.document.version}`,
          details: details(contract, stage),
          assignee: approver,
          waitingOn: stage.waitingOn,
          deadline: settings.approvalDeadline,
          reminder: settings.approvalReminder,
          ...(manager ? { escalateTo: manager, escalationWaitingOn: `${stage.waitingOn} (manager)` } : {}),
          verdicts: ['approve', 'reject', 'request-changes'],
          delegable: true,
        }),
      );
      decided.push({ approver, decision });
    } catch (error) {
      if (!isCancellation(error)) failure ??= error;
    }
  });

  const approvals = () => decided.filter(({ decision }) => decision.decision === 'approve').length;
  const passed = () => (stage.passWhen === 'any' ? approvals() > 0 : approvals() === stage.approvers.length);
  const ending = () =>
    decided.find(({ decision }) => decision.decision === 'request-changes') ??
    (stage.passWhen === 'all' || decided.length === stage.approvers.length
      ? decided.find(({ decision }) => decision.decision === 'reject')
      : undefined);
  await condition(() => failure !== undefined || passed() || ending() !== undefined);
  scope.cancel();
  await Promise.all(tasks);
  if (failure) throw failure;
  return passed() ? { passed: true } : { passed: false, ...ending()! };
}
