import { randomUUID } from 'node:crypto';
import { type Client, type WorkflowExecutionDescription, WorkflowNotFoundError, isGrpcServiceError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { ProcessStep } from '../contracts/search-attributes';
import { GRPC, refusedWith } from '../infra/temporal';
import { Refusal } from './errors';

/**
 * An operator's repairs of a run: retry its failing step, reset it to a step, cancel it. Each is recorded in Temporal
 * with who did it and why (the request's identity and reason), and in the operator log by the route that calls it.
 */

const EventType = temporal.api.enums.v1.EventType;

/** The run a repair acts on: a workflow id's newest run, as the CLI finds it by business key. */
export interface Run {
  workflowId: string;
  runId: string;
}
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type EventId = NonNullable<HistoryEvent['eventId']>;

/** The newest event that matches. */
const newest = (events: HistoryEvent[], matches: (event: HistoryEvent) => boolean) => [...events].reverse().find(matches);

/** Resets a run to the end of a workflow task: Temporal replays it up to there and runs on from it in a new run. */
async function resetTo(client: Client, run: Run, workflowTaskCompletedEventId: EventId, reason: string, identity: string) {
  const { runId } = await client.workflowService.resetWorkflowExecution({
    namespace: client.options.namespace,
    workflowExecution: { workflowId: run.workflowId, runId: run.runId },
    workflowTaskFinishEventId: workflowTaskCompletedEventId,
    reason,
    identity,
    requestId: randomUUID(),
    // Events the run heard after that point (a payment, a delivery) are heard again.
    resetReapplyType: temporal.api.enums.v1.ResetReapplyType.RESET_REAPPLY_TYPE_ALL_ELIGIBLE,
  });
  return runId;
}

async function historyOf(client: Client, run: Run) {
  return (await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory()).events ?? [];
}

/**
 * Retries a run's failing step: a step still retrying in a running run is attempted again now (its attempts counted
 * afresh); a run that ended in failure is reset to just before its last failed step, which then runs again.
 */
async function retry(client: Client, run: Run, { raw, status }: WorkflowExecutionDescription, reason: string, identity: string) {
  if (status.name === 'RUNNING') {
    const failing = raw.pendingActivities?.find((activity) => activity.lastFailure);
    if (!failing) throw new Refusal(409, 'nothing_to_retry', `${run.workflowId} has no failing step to retry: it is running`);
    await client.workflowService.resetActivity({
      namespace: client.options.namespace,
      execution: { workflowId: run.workflowId, runId: run.runId },
      identity,
      id: failing.activityId,
      resetHeartbeat: true,
    });
    return { workflowId: run.workflowId, runId: run.runId, retried: failing.activityType?.name ?? '', how: 'attempted again now' };
  }
  if (!['FAILED', 'TIMED_OUT', 'TERMINATED'].includes(status.name))
    throw new Refusal(
      409,
      'not_retryable',
      `${run.workflowId} ${status.name.toLowerCase()}: only a failed, timed-out or terminated run is retried`,
    );
  const events = await historyOf(client, run);
  const failed = newest(
    events,
    (event) =>
      event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED || event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
  );
  const scheduledId = String(
    failed?.activityTaskFailedEventAttributes?.scheduledEventId ?? failed?.activityTaskTimedOutEventAttributes?.scheduledEventId,
  );
  const scheduled = events.find((event) => String(event.eventId) === scheduledId)?.activityTaskScheduledEventAttributes;
  // Without a failed step, the run's last workflow task is where it can be taken up again.
  const resetPoint =
    scheduled?.workflowTaskCompletedEventId ??
    newest(events, (event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)?.eventId;
  if (!resetPoint) throw new Refusal(409, 'not_retryable', `${run.workflowId} never got past its start: start it again instead`);
  const newRunId = await resetTo(client, run, resetPoint, reason, identity);
  return { workflowId: run.workflowId, runId: newRunId, retried: scheduled?.activityType?.name ?? 'the run', how: 'in a new run' };
}

/** Resets a run to where it entered a step (the first time): the step and everything after it run again. */
export async function resetToStep(client: Client, run: Run, step: string, reason: string, identity: string) {
  const events = await historyOf(client, run);
  const entered = events.find((event) => {
    const field = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.[ProcessStep.name];
    return field && defaultPayloadConverter.fromPayload(field) === step;
  });
  if (!entered) throw new Refusal(404, 'no_such_step', `${run.workflowId} never entered step "${step}"`);
  const resetPoint = entered.upsertWorkflowSearchAttributesEventAttributes!.workflowTaskCompletedEventId!;
  return { workflowId: run.workflowId, runId: await resetTo(client, run, resetPoint, reason, identity), step };
}

/** Cancels a run: it stops where it is (steps done are not undone; a deal is undone by crm.deal.cancelled). */
export async function cancel(client: Client, run: Run, reason: string, identity: string) {
  await client.workflowService.requestCancelWorkflowExecution({
    namespace: client.options.namespace,
    workflowExecution: { workflowId: run.workflowId, runId: run.runId },
    identity,
    requestId: randomUUID(),
    reason,
  });
  return { workflowId: run.workflowId, runId: run.runId, cancelled: true };
}

export type RepairAction = 'retry' | 'reset' | 'cancel';
export const REPAIR_ACTIONS: RepairAction[] = ['retry', 'reset', 'cancel'];

/**
 * Repairs one run as an operator asked (the workflow id's newest run unless `runId` says), whether asked for it alone
 * or in a batch: `reset` needs the step to reset to; `cancel` only a running run.
 */
export async function repair(
  client: Client,
  action: RepairAction,
  { workflowId, runId: asked }: { workflowId: string; runId?: string },
  { reason, toStep }: { reason: string; toStep?: string },
  identity: string,
): Promise<Record<string, unknown>> {
  const described = await client.workflow.getHandle(workflowId, asked).describe();
  const run = { workflowId, runId: described.runId };
  if (action === 'retry') return retry(client, run, described, reason, identity);
  if (action === 'reset') {
    if (!toStep) throw new Refusal(400, 'no_step', 'say which step to reset to');
    return resetToStep(client, run, toStep, reason, identity);
  }
  if (described.status.name !== 'RUNNING')
    throw new Refusal(409, 'run_ended', `${workflowId} ${described.status.name.toLowerCase()}: only a running run is cancelled`);
  return cancel(client, run, reason, identity);
}

/** What the operator hears: a run that is not there is 404, a repair Temporal will not make 409; else not a refusal. */
export function refusalOf(error: unknown, workflowId: string): Refusal | undefined {
  if (error instanceof Refusal) return error;
  if (error instanceof WorkflowNotFoundError || refusedWith(error, GRPC.notFound))
    return new Refusal(404, 'no_such_run', `no run ${workflowId}${isGrpcServiceError(error) ? ` can take this: ${error.details}` : ''}`);
  if (refusedWith(error, GRPC.invalidArgument, GRPC.failedPrecondition))
    return new Refusal(409, 'refused_by_temporal', `Temporal refused it: ${error.details}`);
  return undefined;
}
