import { defineSignal } from '@temporalio/workflow';
import type { EnvelopeDeclined, Revision } from '../../contracts/contract';

/** The CRM brings a revised contract, after changes were requested. */
export const contractRevised = defineSignal<[Revision]>('contractRevised');

/** The e-signature service reports the contract signed. */
export const envelopeCompleted = defineSignal<[{ envelopeId: string; signedAt: string }]>('envelopeCompleted');

/** The e-signature service reports the envelope will not be signed: declined by the signer, or voided. */
export const envelopeDeclined = defineSignal<[Omit<EnvelopeDeclined, 'contractId'>]>('envelopeDeclined');
