import { patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { backOfficeStep, quickStep } from './retry-profiles';

/** From this patch on, runs take their back-office steps as local activities; histories recorded before replay as activities. */
export const BACK_OFFICE_LOCAL = 'back-office-steps-local';

const asActivities = proxyActivities<Activities>(quickStep);
const asLocalActivities = proxyLocalActivities<Activities>(backOfficeStep);

/**
 * The steps that write officeflow's own back-office database (a customer, a sales order, stock, an invoice, a payment):
 * quick and idempotent, so each runs as a local activity — in the worker that runs the workflow task, with no round
 * trip through a task queue and three history events fewer — as Temporal advises for short steps that need no flow
 * control of their own (https://docs.temporal.io/local-activity). They are not held while a system is paused: the
 * database is officeflow's own, and Temporal pauses only the activities it schedules.
 */
export function backOfficeSteps<const Names extends Array<keyof Activities>>(...names: Names): Pick<Activities, Names[number]> {
  return Object.fromEntries(
    names.map((name) => [
      name,
      (...args: unknown[]) =>
        ((patched(BACK_OFFICE_LOCAL) ? asLocalActivities : asActivities)[name] as (...args: unknown[]) => Promise<unknown>)(...args),
    ]),
  ) as Pick<Activities, Names[number]>;
}
