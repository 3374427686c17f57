import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DealStage } from '../contracts/order';
import { quickStep } from './retry-profiles';

const { updateDeal } = proxyActivities<Activities>(quickStep);

/** Moves a CRM deal to a stage, once per run and stage however often the step runs (the key names both). */
export const moveDeal = (dealId: string, stage: DealStage, note?: string) =>
  updateDeal({ dealId, stage, note, updateKey: `${workflowInfo().workflowId}/${stage}` });
