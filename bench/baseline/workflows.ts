import { proxyActivities } from '@temporalio/workflow';
import type * as activities from './activities';

const { noop } = proxyActivities<typeof activities>({ startToCloseTimeout: '1 minute' });

/** Bare Temporal: `steps` activities that do nothing, one after the other, as a process's happy path has its steps. */
export async function noopSteps(steps: number): Promise<void> {
  for (let step = 0; step < steps; step++) await noop();
}
