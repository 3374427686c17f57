import type { ContractApprovalInput, ContractApprovalResult } from '../../contracts/contract';
import type { Decision } from '../../contracts/human-tasks';
import { moveDeal } from '../crm';
import { whoDecided } from '../human-tasks';
import { approveContract } from './approval';
import { type ContractRun, followContract } from './contract-run';
import { collectSignature, remindOfRenewal } from './signature';

export * from './messages';

/**
 * Contract approval: a contract submitted by Sales goes through the approval stages its data routes it to (the
 * definition's rule table), approvers of a stage in parallel. A rejection ends it; a change request waits for the
 * revised contract, which is routed and approved afresh. Approved, it goes out for signature; signed, the run reminds
 * the account owner before its term ends. Every step is kept in the contract's audit trail.
 */
export async function contractApproval(input: ContractApprovalInput): Promise<ContractApprovalResult> {
  const run = followContract(input);
  const { contract } = run;
  await run.audit(
    'submitted',
    { value: contract.value, termMonths: contract.termMonths, nonStandardClauses: contract.nonStandardClauses },
    contract.submittedBy,
  );
  const approval = await approveContract(run);
  if (!approval.approved) return rejected(run, approval.decision);

  const stages = approval.stages.map((s) => s.stage);
  await announceApproval(run, stages);
  const signature = await collectSignature(run);
  if (!signature.signed)
    return { outcome: 'signature-declined', documentVersion: run.contract.document.version, stages, reason: signature.declined };
  const { signed } = signature;
  await remindOfRenewal(run, new Date(signed.signedAt));
  return { outcome: 'signed', documentVersion: run.contract.document.version, stages, signed };
}

/** Every stage approved: the CRM and Sales hear it. */
async function announceApproval({ contract, audit, tellSubmitter }: ContractRun, stages: string[]) {
  const version = contract.document.version;
  await moveDeal(contract.opportunityId, 'contract-approved', `Contract ${contract.contractId} ${version} approved`);
  await audit('approved', { stages });
  await tellSubmitter(
    'approved',
    `Contract ${contract.contractId} is approved`,
    `Every stage approved version ${version}; it went to ${contract.signer.name} for signature.`,
  );
}

/** A stage rejected it: the CRM and Sales hear who and why, and the run ends. */
async function rejected({ contract, audit, tellSubmitter, progress }: ContractRun, decision: Decision): Promise<ContractApprovalResult> {
  const version = contract.document.version;
  const why = whoDecided(decision);
  await moveDeal(contract.opportunityId, 'contract-rejected', `Contract ${contract.contractId} rejected by ${why}`);
  await tellSubmitter('rejected', `Contract ${contract.contractId} was rejected`, `Version ${version} was rejected by ${why}.`);
  await audit('rejected', { reason: decision.comment });
  progress.enterStep('rejected');
  return { outcome: 'rejected', documentVersion: version, stages: [], reason: `rejected by ${why}` };
}
