import { defineQuery, metricMeter, setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { Progress } from '../contracts/progress';
import { Assignees, ProcessStep, WaitDeadline, WaitingOn } from '../contracts/search-attributes';

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
  let enteredAt = Date.now();
  // How long runs spend in each step (waits for people and events included), for the worker's Prometheus endpoint.
  const stepDuration = metricMeter.createHistogram('officeflow_step_duration', 'float', 's', 'Time runs spend in a step');
  setHandler(progressQuery, () => progress);
  const enterStep: EnterStep = (step, wait, openTasks) => {
    if (step !== progress.step) {
      stepDuration.record((Date.now() - enteredAt) / 1000, { step: progress.step });
      enteredAt = Date.now();
    }
    progress = { step, waitingOn: wait?.on, deadline: wait?.until?.toISOString(), ...(openTasks ? { openTasks } : {}) };
    upsertSearchAttributes([
      { key: ProcessStep, value: step },
      { key: WaitingOn, value: wait?.on ?? null },
      { key: WaitDeadline, value: wait?.until ?? null },
      // Only processes that have parallel tasks set who they wait on by name.
      ...(openTasks ? [{ key: Assignees, value: openTasks.map((open) => open.assignee) }] : []),
    ]);
    setCurrentDetails(currentDetails(progress));
  };
  enterStep(firstStep);
  return enterStep;
}

/** The run's progress as the Temporal UI shows it under the summary (Markdown): where it is, what it waits for. */
function currentDetails({ step, waitingOn, deadline, openTasks }: Progress): string {
  const until = deadline ? ` until ${deadline.slice(0, 16).replace('T', ' ')} UTC` : '';
  const lines = [`**Step** ${step}${waitingOn ? ` · **waiting on** ${waitingOn}${until}` : ''}`];
  for (const task of openTasks ?? []) lines.push(`- ${task.task}: ${task.assignee}`);
  return lines.join('\n');
}
