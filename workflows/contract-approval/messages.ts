import { defineSignal } from '@temporalio/workflow';
import type { Revision } from '../../contracts/contract';

/** The CRM brings a revised contract, after changes were requested. */
export const contractRevised = defineSignal<[Revision]>('contractRevised');
