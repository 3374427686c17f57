import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { robot } from './retry-profiles';

/** The robot task queue of an engine without a task-queue suffix. */
export const ROBOT_TASK_QUEUE = 'robots';

/** An engine's task queues share its suffix, which starts with `@`: `order-to-cash@staging`, `robots@staging`. */
export const SUFFIX_MARK = '@';

/** The robot queue of the engine whose queue this is. */
export function robotTaskQueue(taskQueue: string): string {
  const mark = taskQueue.indexOf(SUFFIX_MARK);
  return ROBOT_TASK_QUEUE + (mark >= 0 ? taskQueue.slice(mark) : '');
}

/**
 * The browser robots' activities, scheduled on the robot queue of the engine that runs this workflow, where a worker
 * takes no more robots at once than its browser pool has pages.
 */
export const robots = () => proxyActivities<Activities>({ ...robot, taskQueue: robotTaskQueue(workflowInfo().taskQueue) });
