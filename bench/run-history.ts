import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

const { EventType } = temporal.api.enums.v1;

/** A stretch of a run in one step, waiting on one party (or none), as its history has it. */
export interface HistoryInterval {
  step: string;
  waitingOn?: string;
  seconds: number;
}

/** A run as Temporal recorded it, read independently of officeflow's event log. */
export interface RunHistory {
  workflowId: string;
  /** Its steps in order, a step once however long it stays (as `ProcessStep` was set). */
  steps: string[];
  /** Its stretches but its stay in the step it is in now, if it runs still. */
  intervals: HistoryInterval[];
  /** Seconds from its first workflow task to its last, when it ended. */
  cycleSeconds?: number;
  /** Its result's `outcome` (`completed` without one), when it completed. */
  outcome?: string;
}

const searchAttribute = (fields: Record<string, temporal.api.common.v1.IPayload> | null | undefined, name: string) => {
  const payload = fields?.[name];
  const value = payload ? defaultPayloadConverter.fromPayload<unknown>(payload) : undefined;
  return (Array.isArray(value) ? value[0] : value) as string | undefined;
};

const timeOf = (event: temporal.api.history.v1.IHistoryEvent) =>
  Number(event.eventTime!.seconds) * 1000 + Math.floor((event.eventTime!.nanos ?? 0) / 1e6);

/**
 * A run's steps and how long it stayed in each, from its history's search-attribute updates. A workflow's clock is its
 * workflow task's start, so each update is timed by the start of the task that made it: to the millisecond what the
 * run itself saw.
 */
export async function runHistory(client: Client, workflowId: string): Promise<RunHistory> {
  const handle = client.workflow.getHandle(workflowId);
  const { events } = await handle.fetchHistory();
  const history: RunHistory = { workflowId, steps: [], intervals: [] };
  let taskStartedAt = 0;
  let firstTaskAt: number | undefined;
  /** `waitsForTasks`: a stage whose tasks have not opened yet, which the run works to open. */
  let current: { step: string; waitingOn?: string; from: number; waitsForTasks: boolean } | undefined;
  let visitFrom = 0;
  /** Ends the current stretch; one of a stage before its tasks opened was the run's work, waiting on nobody. */
  const closeCurrent = ({ working = false } = {}) =>
    history.intervals.push({
      step: current!.step,
      waitingOn: working ? undefined : current!.waitingOn,
      seconds: (taskStartedAt - current!.from) / 1000,
    });
  for (const event of events ?? []) {
    if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) {
      taskStartedAt = timeOf(event);
      firstTaskAt ??= taskStartedAt;
    }
    const fields = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
    const step = searchAttribute(fields, 'ProcessStep');
    if (step !== undefined) {
      const waitingOn = searchAttribute(fields, 'WaitingOn') ?? undefined;
      // Only stages set `Assignees`: none while their tasks are being opened, then who holds them.
      const assignees = fields?.Assignees ? defaultPayloadConverter.fromPayload<string[]>(fields.Assignees) : undefined;
      if (current?.step === step && current.waitingOn === waitingOn) {
        if (current.waitsForTasks && assignees?.length) {
          closeCurrent({ working: true });
          current = { ...current, from: taskStartedAt, waitsForTasks: false };
        }
        continue;
      }
      if (current) closeCurrent();
      if (current?.step !== step) {
        history.steps.push(step);
        visitFrom = history.intervals.length;
      }
      current = { step, waitingOn, from: taskStartedAt, waitsForTasks: assignees?.length === 0 };
    }
    const completed = event.workflowExecutionCompletedEventAttributes;
    const closed = completed ?? event.workflowExecutionFailedEventAttributes ?? event.workflowExecutionTerminatedEventAttributes;
    if (closed) {
      if (current) closeCurrent();
      current = undefined;
      history.cycleSeconds = (taskStartedAt - (firstTaskAt ?? taskStartedAt)) / 1000;
      if (completed) {
        const result = completed.result?.payloads?.length ? await handle.result() : undefined;
        history.outcome = (result as { outcome?: string } | undefined)?.outcome ?? 'completed';
      } else history.outcome = 'failed';
    }
  }
  // A running run's stay in its step so far is not a stay in it yet.
  if (history.cycleSeconds === undefined) history.intervals = history.intervals.slice(0, visitFrom);
  return history;
}
