import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DealStage } from '../contracts/order';
import { mail, quickStep } from './retry-profiles';

const { updateDeal } = proxyActivities<Activities>(quickStep);
const { sendEmail } = proxyActivities<Activities>(mail);

/** Moves a CRM deal to a stage, once per run and stage however often the step runs (the key names both). */
export const tellCrm = (dealId: string, stage: DealStage, note?: string) =>
  updateDeal({ dealId, stage, note, updateKey: `${workflowInfo().workflowId}/${stage}` });

/** Sends an e-mail once per run and `kind`, however often the step runs. */
export const emailOnce = (kind: string, to: string, subject: string, text: string, attachmentKeys: string[] = []) =>
  sendEmail({ emailKey: `${workflowInfo().workflowId}/${kind}`, to, subject, text, attachmentKeys });
