import {
  defineQuery,
  defineSignal,
  metricMeter,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { ESCALATED, FORECAST_MEMO, type Forecast, type Remaining, pathKey } from '../contracts/process-events';
import type { Progress } from '../contracts/progress';
import { Assignees, ProcessStep, WaitDeadline, WaitingOn } from '../contracts/search-attributes';
import { recordProcessEvent } from './process-log';

export const progressQuery = defineQuery<Progress>('progress');

/**
 * A step of the run is held while its system is paused (`officeflow pause`), and why (`paused: legacy-erp — portal
 * down`): sent by the engine as it holds the step, and again without `why` once the step goes on.
 */
export const stepHeldSignal = defineSignal<[{ why?: string }]>('stepHeld');

type OpenTask = NonNullable<Progress['openTasks']>[number];

/** Moves the run to a step, saying who or what it waits on there and until when. */
export type EnterStep = (step: string, wait?: { on: string; until?: Date }) => void;

/** What human tasks tell the run's progress (see `humanTasks`): each task as it opens, passes on and closes. */
export interface TaskProgress {
  opened(task: OpenTask, waitingOn: string): void;
  /** Past its deadline the task passed to someone else (`waitingOn` says who the run now waits on). */
  escalated(task: string, assignee: string, waitingOn: string): void;
  delegated(task: string, assignee: string): void;
  /** Called once the new holder has been told: a stage shows who holds its tasks from here. */
  told(): void;
  decided(task: string, verdict: string): void;
  /** Closed undecided: its stage was decided without it. */
  withdrawn(task: string): void;
}

/** A run's progress: where it is, who it waits on, and the people's tasks open there. */
export interface RunProgress {
  enterStep: EnterStep;
  /**
   * Starts a stage where several people may hold tasks at once (a contract's approval stage, a hire's preparations):
   * the step, and the team it waits on; its open tasks, their assignees and earliest deadline are published with it
   * as they change, also as the `Assignees` search attribute.
   */
  startStage(step: string, waitingOn?: string): void;
  tasks: TaskProgress;
}

/**
 * Publishes a run's progress both as the `progress` query and as search attributes, so operators can list
 * e.g. every run waiting on Finance past its deadline without opening one, and writes each move to the event log.
 * Outside a stage, a task is its own step (`credit-approval`, waiting on Finance until its deadline); its open tasks
 * are in the query either way.
 */
export function trackProgress(firstStep: string): RunProgress {
  let progress: Progress = { step: firstStep };
  let enteredAt = Date.now();
  let stage: { step: string; waitingOn?: string } | undefined;
  const open = new Map<string, OpenTask>();
  const openTasks = () => [...open.values()].sort((a, b) => a.task.localeCompare(b.task));
  // How long runs spend in each step (waits for people and events included), for the worker's Prometheus endpoint.
  const stepDuration = metricMeter.createHistogram('officeflow_step_duration', 'float', 's', 'Time runs spend in a step');
  setHandler(progressQuery, () => ({ ...progress, ...(open.size > 0 ? { openTasks: openTasks() } : {}) }));
  let held: string | undefined;
  setHandler(stepHeldSignal, ({ why }) => {
    held = why;
    setCurrentDetails(currentDetails(progress, openTasks(), held, expected));
  });

  // When the run is expected to be done, from the forecast the intake gave it: foreseen again at each step and escalation.
  const forecast = workflowInfo().memo?.[FORECAST_MEMO] as Forecast | undefined;
  const path: string[] = [];
  let pathStep: string | undefined;
  let expected: [from: number, remaining: Remaining] | undefined;
  const foresee = (step: string) => {
    const remaining = forecast && (forecast.byPath[pathKey(path)] ?? forecast.byStep[step]);
    expected = remaining && [Date.now(), remaining];
  };

  let logged: Progress | undefined;
  const publish = (step: string, wait?: { on: string; until?: Date }, assignees?: string[]) => {
    if (step !== pathStep) {
      path.push(step);
      pathStep = step;
      foresee(step);
    }
    if (step !== progress.step) {
      stepDuration.record((Date.now() - enteredAt) / 1000, { step: progress.step });
      enteredAt = Date.now();
    }
    progress = { step, waitingOn: wait?.on, deadline: wait?.until?.toISOString() };
    // A step entered, or the same step now waiting on someone else (a task escalated to a manager).
    if (logged?.step !== step || logged.waitingOn !== progress.waitingOn) {
      recordProcessEvent({ kind: 'step', step, waitingOn: progress.waitingOn, deadline: progress.deadline });
      logged = progress;
    }
    upsertSearchAttributes([
      { key: ProcessStep, value: step },
      { key: WaitingOn, value: wait?.on ?? null },
      { key: WaitDeadline, value: wait?.until ?? null },
      // Only stages, where several people may decide at once, set who they wait on by name.
      ...(assignees ? [{ key: Assignees, value: assignees }] : []),
    ]);
    setCurrentDetails(currentDetails(progress, openTasks(), held, expected));
  };
  const publishStage = () => {
    const { step, waitingOn } = stage!;
    const tasks = openTasks();
    const earliest = tasks
      .map((task) => task.deadline)
      .filter((deadline) => deadline !== undefined)
      .sort()[0];
    publish(
      step,
      waitingOn ? { on: waitingOn, until: earliest ? new Date(earliest) : undefined } : undefined,
      tasks.map((t) => t.assignee),
    );
  };

  publish(firstStep);
  return {
    enterStep(step, wait) {
      stage = undefined;
      publish(step, wait);
    },
    startStage(step, waitingOn) {
      stage = { step, waitingOn };
      open.clear();
      publishStage();
    },
    // The moments each is published at are those the recorded histories replay (a stage after the new holder was told).
    tasks: {
      opened(task, waitingOn) {
        open.set(task.task, task);
        recordProcessEvent({ kind: 'task-opened', step: task.task, waitingOn, deadline: task.deadline });
        if (stage) publishStage();
        else publish(task.task, { on: waitingOn, until: task.deadline ? new Date(task.deadline) : undefined });
      },
      escalated(task, assignee, waitingOn) {
        open.set(task, { ...open.get(task)!, assignee });
        path.push(`${task}${ESCALATED}`);
        foresee(progress.step);
        recordProcessEvent({ kind: 'task-escalated', step: task, waitingOn });
        if (!stage) publish(task, { on: waitingOn });
      },
      delegated(task, assignee) {
        open.set(task, { ...open.get(task)!, assignee });
        recordProcessEvent({ kind: 'task-delegated', step: task });
      },
      told() {
        if (stage) publishStage();
      },
      decided(task, verdict) {
        open.delete(task);
        recordProcessEvent({ kind: 'task-decided', step: task, detail: verdict });
        if (stage) publishStage();
      },
      withdrawn(task) {
        open.delete(task);
        recordProcessEvent({ kind: 'task-withdrawn', step: task });
        if (stage) publishStage();
      },
    },
  };
}

/** An ISO time to the minute, as people read it: `2026-12-06 14:05`. */
const minute = (iso: string) => iso.slice(0, 16).replace('T', ' ');

/**
 * The run's progress as the Temporal UI shows it under the summary (Markdown): where it is, what it waits for, and a
 * step held while its system is paused.
 */
function currentDetails(
  { step, waitingOn, deadline }: Progress,
  openTasks: OpenTask[],
  held?: string,
  expected?: [from: number, remaining: Remaining],
): string {
  const until = deadline ? ` until ${minute(deadline)} UTC` : '';
  const lines = [`**Step** ${step}${waitingOn ? ` · **waiting on** ${waitingOn}${until}` : ''}`];
  if (held) lines.push(`**Held** ${held}`);
  if (expected && expected[1][2] > 0) {
    const [from, [p10, p50, p90]] = expected;
    const at = (seconds: number) => minute(new Date(from + seconds * 1000).toISOString());
    lines.push(`**Expected** done around ${at(p50)} UTC (likely ${at(p10)} to ${at(p90)}), as runs that came this way took`);
  }
  for (const task of openTasks) lines.push(`- ${task.task}: ${task.assignee}`);
  return lines.join('\n');
}
