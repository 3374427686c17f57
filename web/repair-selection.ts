import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { BusinessKey, ProcessStep } from '../contracts/search-attributes';
import { Refusal } from './errors';
import type { RepairAction } from './repairs';

/**
 * Which runs a batch repair touches: those the operator's visibility query finds (a saved query, a step, a process),
 * narrowed by what went wrong (the failure's type) and when (failed since a moment), each described as the operator
 * confirms it: where it is, what failed, and whether the repair applies to it.
 */

/** What an operator selects: the same query `officeflow runs` builds, and what visibility cannot filter on. */
export interface Selection {
  query: string;
  /** The failure's type (`CrmUnavailable`, `timeout`): only runs whose step failed so. */
  failure?: string;
  /** Only runs whose step failed (or which ended) since this moment. */
  since?: Date;
}

export interface SelectedRun {
  workflowId: string;
  runId: string;
  businessKey?: string;
  status: string;
  step?: string;
  /** The step that is failing (a running run's activity still retrying) or failed last (a failed run). */
  failing?: { activity: string; failure: string; at?: string };
}

/** How many runs one batch takes at most: narrow the selection (or repeat it) for more. */
export const MAX_BATCH = 2000;

const EventType = temporal.api.enums.v1.EventType;
type Failure = temporal.api.failure.v1.IFailure | null | undefined;

/** A failure's type as operators filter on it: the application's own type, `timeout`, or what kind of failure it is. */
function failureType(failure: Failure): string {
  if (!failure) return 'unknown';
  if (failure.applicationFailureInfo) return failure.applicationFailureInfo.type || 'Error';
  if (failure.timeoutFailureInfo) return 'timeout';
  if (failure.activityFailureInfo) return failureType(failure.cause);
  if (failure.canceledFailureInfo) return 'cancelled';
  if (failure.terminatedFailureInfo) return 'terminated';
  return 'unknown';
}

/** What is failing in a run: its pending step with a failure, or (ended) its last failed step. */
async function failingOf(client: Client, run: WorkflowExecutionInfo): Promise<SelectedRun['failing']> {
  const handle = client.workflow.getHandle(run.workflowId, run.runId);
  if (run.status.name === 'RUNNING') {
    const { raw } = await handle.describe();
    const failing = raw.pendingActivities?.find((activity) => activity.lastFailure);
    return failing
      ? {
          activity: failing.activityType?.name ?? '',
          failure: failureType(failing.lastFailure),
          at: optionalTsToDate(failing.lastAttemptCompleteTime ?? failing.lastStartedTime)?.toISOString(),
        }
      : undefined;
  }
  const events = (await handle.fetchHistory()).events ?? [];
  const failed = [...events]
    .reverse()
    .find((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED || e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT);
  if (!failed) return undefined;
  const attributes = failed.activityTaskFailedEventAttributes ?? failed.activityTaskTimedOutEventAttributes;
  const scheduled = events.find((e) => String(e.eventId) === String(attributes?.scheduledEventId));
  return {
    activity: scheduled?.activityTaskScheduledEventAttributes?.activityType?.name ?? '',
    failure: failureType(attributes?.failure),
    at: optionalTsToDate(failed.eventTime)?.toISOString(),
  };
}

/** Whether the action applies to a run as it stands; why not, if not. */
function applies(action: RepairAction, run: SelectedRun): string | undefined {
  const running = run.status === 'RUNNING';
  if (action === 'retry' && running && !run.failing) return 'nothing is failing';
  if (action === 'retry' && !running && !['FAILED', 'TIMED_OUT', 'TERMINATED'].includes(run.status))
    return `it ${run.status.toLowerCase()}`;
  if (action === 'cancel' && !running) return `it ${run.status.toLowerCase()}`;
  return undefined;
}

/**
 * The runs a batch would repair, and how many the query found that it would not (nothing failing, already ended, not
 * failing so or not since then). Refuses a selection of more than MAX_BATCH runs.
 */
export async function selectRuns(client: Client, action: RepairAction, selection: Selection) {
  const found: WorkflowExecutionInfo[] = [];
  for await (const run of client.workflow.list({ query: selection.query })) {
    found.push(run);
    if (found.length > MAX_BATCH)
      throw new Refusal(422, 'too_many_runs', `the selection finds more than ${MAX_BATCH} runs: narrow it (a step, a process, --since)`);
  }
  const runs: SelectedRun[] = [];
  const left: Record<string, number> = {};
  const leave = (why: string) => (left[why] = (left[why] ?? 0) + 1);
  for (const info of found) {
    const run: SelectedRun = {
      workflowId: info.workflowId,
      runId: info.runId,
      businessKey: info.typedSearchAttributes.get(BusinessKey),
      status: info.status.name,
      step: info.typedSearchAttributes.get(ProcessStep),
      failing: action === 'cancel' && !selection.failure && !selection.since ? undefined : await failingOf(client, info),
    };
    const why = applies(action, run);
    if (why) leave(why);
    else if (selection.failure && run.failing?.failure !== selection.failure) leave(`not failing with ${selection.failure}`);
    else if (selection.since && !((run.failing?.at ? new Date(run.failing.at) : (info.closeTime ?? info.startTime)) >= selection.since))
      leave(`not since ${selection.since.toISOString()}`);
    else runs.push(run);
  }
  return { runs, left };
}
