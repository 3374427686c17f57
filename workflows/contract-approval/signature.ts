import { msToNumber } from '@temporalio/common/lib/time';
import { condition, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { moveDeal } from '../crm';
import { quickStep } from '../retry-profiles';
import type { ContractRun } from './contract-run';

const { sendForSignature, storeSignedDocument } = proxyActivities<Activities>(quickStep);

/**
 * 2. Signature: the approved contract goes to the customer's signer; once signed, the document is kept with its SHA-256.
 * An envelope declined by the signer or voided ends the run: the CRM and Sales hear why.
 */
export async function collectSignature({ contract, runKey, progress, heard, audit, tellSubmitter }: ContractRun) {
  const version = contract.document.version;
  progress.enterStep('awaiting-signature', { on: 'Customer' });
  const { envelopeId } = await sendForSignature({
    envelopeKey: `${runKey}/signature/${version}`,
    contractId: contract.contractId,
    document: contract.document,
    signer: contract.signer,
  });
  await audit('sent-for-signature', { envelopeId, signer: contract.signer.email });
  await condition(() => heard.envelope?.envelopeId === envelopeId || heard.declined?.envelopeId === envelopeId);
  if (heard.envelope?.envelopeId !== envelopeId) {
    const { status, reason } = heard.declined!;
    const why = `${status === 'voided' ? 'voided' : `declined by ${contract.signer.name}`}${reason ? `: ${reason}` : ''}`;
    await audit('signature-declined', { envelopeId, status, reason }, status === 'declined' ? contract.signer.email : undefined);
    await moveDeal(contract.opportunityId, 'signature-declined', `Contract ${contract.contractId} ${version} not signed: ${why}`);
    await tellSubmitter('signature-declined', `Contract ${contract.contractId} was not signed`, `Version ${version} was ${why}.`);
    progress.enterStep('signature-declined');
    return { declined: why };
  }
  const { signedAt } = heard.envelope!;
  const stored = await storeSignedDocument({ envelopeId, documentKey: `contract/${contract.contractId}/${version}/signed` });
  await audit('signed', { envelopeId, signedAt, documentKey: stored.documentKey, sha256: stored.sha256 }, contract.signer.email);
  await moveDeal(contract.opportunityId, 'contracted', `Contract ${contract.contractId} ${version} signed`);
  await tellSubmitter(
    'signed',
    `Contract ${contract.contractId} is signed`,
    `${contract.signer.name} signed version ${version} on ${signedAt}.`,
  );
  return { signed: { ...stored, signedAt } };
}

/**
 * 3. In force until its renewal: a durable timer in this run, not a schedule, because the reminder belongs to this
 * contract's story (its audit trail, its term), a sleeping run costs nothing, and a contract ended otherwise takes its
 * reminder with it.
 */
export async function remindOfRenewal({ contract, settings, progress, audit, tellSubmitter }: ContractRun, signedAt: Date) {
  const termEnds = new Date(signedAt);
  termEnds.setUTCMonth(termEnds.getUTCMonth() + contract.termMonths);
  const remindAt = new Date(termEnds.getTime() - msToNumber(settings.renewalNotice));
  progress.enterStep('in-force', { on: 'Renewal', until: remindAt });
  if (remindAt.getTime() > Date.now()) await sleep(remindAt.getTime() - Date.now());
  const ends = termEnds.toISOString().slice(0, 10);
  await tellSubmitter(
    'renewal',
    `Contract ${contract.contractId} ends on ${ends}`,
    `Time to talk to ${contract.customerId} about renewing it.`,
  );
  await audit('renewal-reminded', { termEnds: termEnds.toISOString() });
  progress.enterStep('renewal-reminded');
}
