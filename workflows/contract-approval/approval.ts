import { condition } from '@temporalio/workflow';
import type { ApprovalStageRule } from '../../contracts/approval';
import { type Money, formatMoney } from '../../contracts/money';
import { type ApprovalOutcome, approvalChain, passesWhen } from '../approval-chain';
import { whoDecided } from '../human-tasks';
import type { ContractRun } from './contract-run';

/**
 * 1. Approval: the contract goes through the stages the rule table routes it to (its value, its non-standard
 * clauses), approvers of a stage in parallel, with deadlines, reminders, escalation to their managers and delegation.
 * A change request waits for the revised contract, which is routed and approved afresh.
 */
export function approveContract(run: ContractRun): Promise<ApprovalOutcome> {
  const { settings, progress, audit } = run;
  return approvalChain(run.ask, progress, {
    rules: settings.rules.map(inChainWords),
    facts: () => ({
      amount: run.contract.value,
      flags: {
        nonStandardClauses: run.contract.nonStandardClauses.length
          ? `non-standard clauses: ${run.contract.nonStandardClauses.join(', ')}`
          : undefined,
      },
    }),
    task: (stage, approver) => {
      const { contract } = run;
      const manager = settings.managers[approver];
      return {
        title: `Approve contract ${contract.contractId} (${stage.stage}), version ${contract.document.version}`,
        details: [
          `Contract ${contract.contractId} for customer ${contract.customerId}: ${formatMoney(contract.value)}, ${contract.termMonths} months.`,
          `Non-standard clauses: ${contract.nonStandardClauses.join('; ') || 'none'}.`,
          `Document version ${contract.document.version}${contract.document.url ? `: ${contract.document.url}` : ''}.`,
          `The ${stage.stage} stage applies because ${stage.because}; it passes when ${passesWhen(stage)}.`,
        ].join('\n'),
        assignee: approver,
        waitingOn: stage.waitingOn,
        deadline: settings.approvalDeadline,
        reminder: settings.approvalReminder,
        ...(manager ? { escalateTo: manager, escalationWaitingOn: `${stage.waitingOn} (manager)` } : {}),
        verdicts: ['approve', 'reject', 'request-changes'],
        delegable: true,
      };
    },
    routed: (stages, round) =>
      audit('routed', {
        round,
        stages: stages.map(({ stage, because, approvers, passWhen }) => ({ stage, because, approvers, passWhen })),
      }),
    stagePassed: ({ stage }) => audit('stage-passed', { stage }),
    approversChanged: ({ stage }, round, changes) => audit('approvers-changed', { stage, round, changes }),
    revise: ({ decision, round }) => reviseContract(run, whoDecided(decision), round),
  });
}

/** Changes were requested: Sales hears why, and the run waits for the revised contract from the CRM. */
async function reviseContract(run: ContractRun, why: string, round: number): Promise<void> {
  const { contract } = run;
  await run.tellSubmitter(
    `changes-requested-${round}`,
    `Changes requested on contract ${contract.contractId}`,
    `${why}\n\nSend the revised contract from the CRM.`,
  );
  run.progress.enterStep('awaiting-revision', { on: 'Sales' });
  await condition(() => run.heard.revision !== undefined);
  const {
    value = contract.value,
    termMonths = contract.termMonths,
    nonStandardClauses = contract.nonStandardClauses,
    document,
  } = run.heard.revision!;
  run.heard.revision = undefined;
  run.contract = { ...contract, value, termMonths, nonStandardClauses, document };
  await run.audit('revised', { value, termMonths, nonStandardClauses }, contract.submittedBy);
}

/** A rule as the chain reads it: runs started before the approval chain carry their rules in the contract's own words. */
function inChainWords(rule: ApprovalStageRule): ApprovalStageRule {
  const { valueAtLeast, nonStandardClauses, ...when } = rule.when as ApprovalStageRule['when'] & {
    valueAtLeast?: Money;
    nonStandardClauses?: true;
  };
  return {
    ...rule,
    when: {
      ...when,
      amountAtLeast: when.amountAtLeast ?? valueAtLeast,
      flag: when.flag ?? (nonStandardClauses ? 'nonStandardClauses' : undefined),
    },
  };
}
