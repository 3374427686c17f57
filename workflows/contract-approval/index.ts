import { condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { Contract, ContractApprovalInput, ContractApprovalResult, Revision } from '../../contracts/contract';
import type { TaskEvent } from '../../contracts/human-task';
import { humanTasks } from '../human-task';
import { trackProgress } from '../progress';
import { mail, quickStep } from '../retry-profiles';
import { taskBoard } from './board';
import { contractRevised } from './messages';
import { approvalStages } from './routing';
import { runStage } from './stage';

export * from './messages';

const { recordAudit, updateDeal } = proxyActivities<Activities>(quickStep);
const { sendEmail } = proxyActivities<Activities>(mail);

/**
 * Contract approval: a contract submitted by Sales goes through the approval stages its data routes it to (the
 * definition's rule table), approvers of a stage in parallel. A rejection ends it; a change request waits for the
 * revised contract, which is routed and approved afresh. Every step is kept in the contract's audit trail.
 */
export async function contractApproval(input: ContractApprovalInput): Promise<ContractApprovalResult> {
  const { settings, ...submitted } = input;
  let contract: Contract = submitted;
  const runKey = workflowInfo().workflowId;
  const enterStep = trackProgress('routing');
  const board = taskBoard(enterStep);
  let entries = 0;
  const audit = (event: string, detail: Record<string, unknown> = {}, actor?: string, onBehalfOf?: string) =>
    recordAudit({
      entryKey: `${runKey}/${++entries}`,
      contractId: contract.contractId,
      event,
      actor,
      onBehalfOf,
      documentVersion: contract.document.version,
      detail,
    });
  const ask = humanTasks(
    () => undefined,
    (event) => {
      board.track(event);
      return auditTask(event);
    },
  );
  const auditTask = (event: TaskEvent) =>
    event.kind === 'decided'
      ? audit(
          'decision',
          { task: event.task, decision: event.decision.decision, comment: event.decision.comment },
          event.decision.decidedBy,
          event.decision.onBehalfOf,
        )
      : audit(`task-${event.kind}`, { task: event.task, ...('from' in event ? { from: event.from } : {}) }, event.assignee);
  const tellSubmitter = (kind: string, subject: string, text: string) =>
    sendEmail({ emailKey: `${runKey}/${kind}`, to: contract.submittedBy, subject, text, attachmentKeys: [] });

  let revision: Revision | undefined;
  setHandler(contractRevised, (revised) => void (revision ??= revised));

  await audit(
    'submitted',
    { value: contract.value, termMonths: contract.termMonths, nonStandardClauses: contract.nonStandardClauses },
    contract.submittedBy,
  );
  for (let round = 1; ; round++) {
    const stages = approvalStages(contract, settings.rules);
    await audit('routed', {
      round,
      stages: stages.map(({ stage, because, approvers, passWhen }) => ({ stage, because, approvers, passWhen })),
    });
    let ended: { approver: string; decision: { decision: string; decidedBy: string; comment?: string } } | undefined;
    for (const stage of stages) {
      board.startStage(`approval:${stage.stage}`, stage.waitingOn);
      const outcome = await runStage(ask, contract, stage, round, settings);
      if (!outcome.passed) {
        ended = outcome;
        break;
      }
      await audit('stage-passed', { stage: stage.stage });
    }
    const version = contract.document.version;

    if (!ended) {
      await updateDeal({
        dealId: contract.opportunityId,
        stage: 'contract-approved',
        note: `Contract ${contract.contractId} ${version} approved`,
        updateKey: `${runKey}/approved`,
      });
      await tellSubmitter(
        'approved',
        `Contract ${contract.contractId} is approved`,
        `Every stage approved version ${version}: ${stages.map((s) => s.stage).join(', ')}.`,
      );
      await audit('approved', { stages: stages.map((s) => s.stage) });
      enterStep('approved');
      return { outcome: 'approved', documentVersion: version, stages: stages.map((s) => s.stage) };
    }

    const { decision } = ended;
    const why = `${decision.decidedBy}${decision.comment ? `: ${decision.comment}` : ''}`;
    if (decision.decision === 'reject') {
      await updateDeal({
        dealId: contract.opportunityId,
        stage: 'contract-rejected',
        note: `Contract ${contract.contractId} rejected by ${why}`,
        updateKey: `${runKey}/rejected`,
      });
      await tellSubmitter('rejected', `Contract ${contract.contractId} was rejected`, `Version ${version} was rejected by ${why}.`);
      await audit('rejected', { reason: decision.comment });
      enterStep('rejected');
      return { outcome: 'rejected', documentVersion: version, stages: [], reason: `rejected by ${why}` };
    }

    await tellSubmitter(
      `changes-requested-${round}`,
      `Changes requested on contract ${contract.contractId}`,
      `${why}\n\nSend the revised contract from the CRM.`,
    );
    enterStep('awaiting-revision', { on: 'Sales' });
    await condition(() => revision !== undefined);
    const {
      value = contract.value,
      termMonths = contract.termMonths,
      nonStandardClauses = contract.nonStandardClauses,
      document,
    } = revision!;
    revision = undefined;
    contract = { ...contract, value, termMonths, nonStandardClauses, document };
    await audit('revised', { value, termMonths, nonStandardClauses }, contract.submittedBy);
  }
}
