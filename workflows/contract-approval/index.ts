import { msToNumber } from '@temporalio/common/lib/time';
import { condition, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { Contract, ContractApprovalInput, ContractApprovalResult, Revision } from '../../contracts/contract';
import type { TaskEvent } from '../../contracts/human-task';
import { humanTasks } from '../human-task';
import { trackProgress } from '../progress';
import { emailOnce, tellCrm } from '../once-per-run';
import { quickStep } from '../retry-profiles';
import { contractRevised, envelopeCompleted } from './messages';
import { approvalStages } from './routing';
import { runStage } from './stage';

export * from './messages';

const { recordAudit, sendForSignature, storeSignedDocument } = proxyActivities<Activities>(quickStep);

/**
 * Contract approval: a contract submitted by Sales goes through the approval stages its data routes it to (the
 * definition's rule table), approvers of a stage in parallel. A rejection ends it; a change request waits for the
 * revised contract, which is routed and approved afresh. Approved, it goes out for signature; signed, the run reminds
 * the account owner before its term ends. Every step is kept in the contract's audit trail.
 */
export async function contractApproval(input: ContractApprovalInput): Promise<ContractApprovalResult> {
  const { settings, ...submitted } = input;
  let contract: Contract = submitted;
  const runKey = workflowInfo().workflowId;
  const progress = trackProgress('routing');
  const { enterStep } = progress;
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
  const ask = humanTasks(progress, (event) => auditTask(event));
  const auditTask = (event: TaskEvent) =>
    event.kind === 'decided'
      ? audit(
          'decision',
          { task: event.task, decision: event.decision.decision, comment: event.decision.comment },
          event.decision.decidedBy,
          event.decision.onBehalfOf,
        )
      : audit(`task-${event.kind}`, { task: event.task, ...('from' in event ? { from: event.from } : {}) }, event.assignee);
  const tellSubmitter = (kind: string, subject: string, text: string) => emailOnce(kind, contract.submittedBy, subject, text);

  let revision: Revision | undefined;
  let envelope: { envelopeId: string; signedAt: string } | undefined;
  setHandler(contractRevised, (revised) => void (revision ??= revised));
  setHandler(envelopeCompleted, (completed) => void (envelope ??= completed));

  /** The approved contract goes to the customer's signer; once signed, the document is kept with its SHA-256. */
  const collectSignature = async () => {
    const version = contract.document.version;
    enterStep('awaiting-signature', { on: 'Customer' });
    const { envelopeId } = await sendForSignature({
      envelopeKey: `${runKey}/signature/${version}`,
      contractId: contract.contractId,
      document: contract.document,
      signer: contract.signer,
    });
    await audit('sent-for-signature', { envelopeId, signer: contract.signer.email });
    await condition(() => envelope?.envelopeId === envelopeId);
    const { signedAt } = envelope!;
    const stored = await storeSignedDocument({ envelopeId, documentKey: `contract/${contract.contractId}/${version}/signed` });
    await audit('signed', { envelopeId, signedAt, documentKey: stored.documentKey, sha256: stored.sha256 }, contract.signer.email);
    await tellCrm(contract.opportunityId, 'contracted', `Contract ${contract.contractId} ${version} signed`);
    await tellSubmitter(
      'signed',
      `Contract ${contract.contractId} is signed`,
      `${contract.signer.name} signed version ${version} on ${signedAt}.`,
    );
    return { ...stored, signedAt };
  };

  /**
   * A durable timer in this run, not a schedule: the reminder belongs to this contract's story (its audit trail, its
   * term), a sleeping run costs nothing, and a contract ended otherwise takes its reminder with it.
   */
  const remindOfRenewal = async (signedAt: Date) => {
    const termEnds = new Date(signedAt);
    termEnds.setUTCMonth(termEnds.getUTCMonth() + contract.termMonths);
    const remindAt = new Date(termEnds.getTime() - msToNumber(settings.renewalNotice));
    enterStep('in-force', { on: 'Renewal', until: remindAt });
    if (remindAt.getTime() > Date.now()) await sleep(remindAt.getTime() - Date.now());
    const ends = termEnds.toISOString().slice(0, 10);
    await tellSubmitter(
      'renewal',
      `Contract ${contract.contractId} ends on ${ends}`,
      `Time to talk to ${contract.customerId} about renewing it.`,
    );
    await audit('renewal-reminded', { termEnds: termEnds.toISOString() });
    enterStep('renewal-reminded');
  };

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
      progress.startStage(`approval:${stage.stage}`, stage.waitingOn);
      const outcome = await runStage(ask, contract, stage, round, settings);
      if (!outcome.passed) {
        ended = outcome;
        break;
      }
      await audit('stage-passed', { stage: stage.stage });
    }
    const version = contract.document.version;

    if (!ended) {
      await tellCrm(contract.opportunityId, 'contract-approved', `Contract ${contract.contractId} ${version} approved`);
      await audit('approved', { stages: stages.map((s) => s.stage) });
      await tellSubmitter(
        'approved',
        `Contract ${contract.contractId} is approved`,
        `Every stage approved version ${version}; it went to ${contract.signer.name} for signature.`,
      );
      const signed = await collectSignature();
      await remindOfRenewal(new Date(signed.signedAt));
      return { outcome: 'signed', documentVersion: version, stages: stages.map((s) => s.stage), signed };
    }

    const { decision } = ended;
    const why = `${decision.decidedBy}${decision.comment ? `: ${decision.comment}` : ''}`;
    if (decision.decision === 'reject') {
      await tellCrm(contract.opportunityId, 'contract-rejected', `Contract ${contract.contractId} rejected by ${why}`);
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
