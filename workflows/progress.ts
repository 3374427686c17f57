import { defineQuery, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { Progress } from '../contracts/progress';
import { Assignees, ProcessStep, WaitDeadline, WaitingOn } from '../definitions/search-attributes';

export const progressQuery = defineQuery<Progress>('progress');

type OpenTasks = NonNullable<Progress['openTasks']>;

/**
 * Moves the run to a step, saying who or what it waits on there and until when; where several people decide at
 * once, also their open tasks.
 */
export type EnterStep = (step: string, wait?: { on: string; until?: Date }, openTasks?: OpenTasks) => void;

/**
 * Publishes a run's progress both as the `progress` query and as search attributes, so operators can list
 * e.g. every run waiting on Finance past its deadline without opening one. Returns `enterStep`.
 */
export function trackProgress(firstStep: string): EnterStep {
  let progress: Progress = { step: firstStep };
  setHandler(progressQuery, () => progress);
  const enterStep: EnterStep = (step, wait, openTasks) => {
    progress = { step, waitingOn: wait?.on, deadline: wait?.until?.toISOString(), ...(openTasks ? { openTasks } : {}) };
    upsertSearchAttributes([
      { key: ProcessStep, value: step },
      { key: WaitingOn, value: wait?.on ?? null },
      { key: WaitDeadline, value: wait?.until ?? null },
      // Only processes that have parallel tasks set who they wait on by name.
      ...(openTasks ? [{ key: Assignees, value: openTasks.map((open) => open.assignee) }] : []),
    ]);
  };
  enterStep(firstStep);
  return enterStep;
}
