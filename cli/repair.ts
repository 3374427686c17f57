import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { Command } from 'commander';
import type { Config } from '../config';
import { ProcessStep } from '../contracts/search-attributes';
import { withTemporal } from './engine';
import { CommandRefused, EXIT, type OutputOptions, answer, busy } from './output';
import { runOf } from './runs';

/**
 * `officeflow retry`, `cancel` and `reset`: an engineer's repairs of a run, each recorded in Temporal with who did it
 * and why. They act on the business key's newest run, as `officeflow status` shows it.
 */

const EventType = temporal.api.enums.v1.EventType;
const identity = () => `officeflow cli (${userInfo().username})`;

type Run = Awaited<ReturnType<typeof runOf>>;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type EventId = NonNullable<HistoryEvent['eventId']>;

/** The newest event that matches. */
const newest = (events: HistoryEvent[], matches: (event: HistoryEvent) => boolean) => [...events].reverse().find(matches);

/** Resets a run to the end of a workflow task: Temporal replays it up to there and runs on from it in a new run. */
async function resetTo(client: Client, run: Run, workflowTaskCompletedEventId: EventId, reason: string) {
  const { runId } = await client.workflowService.resetWorkflowExecution({
    namespace: client.options.namespace,
    workflowExecution: { workflowId: run.workflowId, runId: run.runId },
    workflowTaskFinishEventId: workflowTaskCompletedEventId,
    reason,
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
async function retry(client: Client, run: Run, reason: string) {
  const handle = client.workflow.getHandle(run.workflowId, run.runId);
  const { raw, status } = await handle.describe();
  if (status.name === 'RUNNING') {
    const failing = raw.pendingActivities?.find((activity) => activity.lastFailure);
    if (!failing) throw new CommandRefused(`${run.workflowId} has no failing step to retry: it is running`, EXIT.refused);
    await client.workflowService.resetActivity({
      namespace: client.options.namespace,
      execution: { workflowId: run.workflowId, runId: run.runId },
      identity: identity(),
      id: failing.activityId,
      resetHeartbeat: true,
    });
    return { workflowId: run.workflowId, runId: run.runId, retried: failing.activityType?.name ?? '', how: 'attempted again now' };
  }
  if (!['FAILED', 'TIMED_OUT', 'TERMINATED'].includes(status.name))
    throw new CommandRefused(`${run.workflowId} ${status.name.toLowerCase()}: only a failed, timed-out or terminated run is retried`);
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
  if (!resetPoint) throw new CommandRefused(`${run.workflowId} never got past its start: start it again instead`);
  const newRunId = await resetTo(client, run, resetPoint, reason);
  return { workflowId: run.workflowId, runId: newRunId, retried: scheduled?.activityType?.name ?? 'the run', how: 'in a new run' };
}

/** Resets a run to where it entered a step (the first time): the step and everything after it run again. */
async function resetToStep(client: Client, run: Run, step: string, reason: string) {
  const events = await historyOf(client, run);
  const entered = events.find((event) => {
    const field = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.[ProcessStep.name];
    return field && defaultPayloadConverter.fromPayload(field) === step;
  });
  if (!entered) throw new CommandRefused(`${run.workflowId} never entered step "${step}"`, EXIT.notFound);
  const resetPoint = entered.upsertWorkflowSearchAttributesEventAttributes!.workflowTaskCompletedEventId!;
  return { workflowId: run.workflowId, runId: await resetTo(client, run, resetPoint, reason), step };
}

/** Cancels a run: it stops where it is (steps done are not undone; a deal is undone by crm.deal.cancelled). */
async function cancel(client: Client, run: Run, reason: string) {
  await client.workflowService.requestCancelWorkflowExecution({
    namespace: client.options.namespace,
    workflowExecution: { workflowId: run.workflowId, runId: run.runId },
    identity: identity(),
    requestId: randomUUID(),
    reason,
  });
  return { workflowId: run.workflowId, runId: run.runId, cancelled: true };
}

interface RepairOptions extends OutputOptions {
  reason: string;
  process?: string;
}

export function addRepairCommands(program: Command, config: () => Config): void {
  /** A repair command: the run of the key, the reason required, and the action's answer. */
  const repairCommand = (name: string, description: string) =>
    program
      .command(name)
      .description(description)
      .argument('<key>', 'the run’s business key or workflow id, as `officeflow status` takes it')
      .requiredOption('--reason <text>', 'why: kept in the run’s history')
      .option('--process <name>', 'where the key names runs of several processes')
      .option('--json', 'print JSON, for scripts');
  const onRun = <T>(key: string, options: RepairOptions, act: (client: Client, run: Run) => Promise<T>) =>
    busy(`${key}`, options, () =>
      withTemporal(config(), async (client) => act(client, await runOf(client, key, config(), options.process))),
    );

  repairCommand('retry', 'retry a run’s failing step now (a failed run: from just before the step that failed)').action(
    async (key: string, options: RepairOptions) => {
      const result = await onRun(key, options, (client, run) => retry(client, run, options.reason));
      answer(options, result, (r) => `${r.retried} of ${r.workflowId} ${r.how} (run ${r.runId})`);
    },
  );

  repairCommand('cancel', 'cancel a run: it stops where it is, without undoing what it did').action(
    async (key: string, options: RepairOptions) => {
      const result = await onRun(key, options, (client, run) => cancel(client, run, options.reason));
      answer(options, result, (r) => `cancellation of ${r.workflowId} requested (run ${r.runId})`);
    },
  );

  repairCommand('reset', 'run a run again from where it entered a step, in a new run (events it heard since are heard again)')
    .requiredOption('--to-step <step>', 'a step the run went through, as `officeflow status` names them')
    .action(async (key: string, options: RepairOptions & { toStep: string }) => {
      const result = await onRun(key, options, (client, run) => resetToStep(client, run, options.toStep, options.reason));
      answer(options, result, (r) => `${r.workflowId} runs again from step ${r.step} (new run ${r.runId})`);
    });
}
