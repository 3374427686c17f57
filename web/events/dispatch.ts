import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { Pool } from 'pg';
import type { z } from 'zod';
import { type Binding, bindingFor, runInput, startOptions } from '../../definitions';
import type { EventContext, ProcessDefinition, SignalTrigger } from '../../definitions/define';
import type { CloudEvent } from './cloudevent';
import { type Delivery, recordingOf, refuseReplayed } from './replay-guard';
import { FORECAST_MEMO, type Forecast } from '../../contracts/process-events';
import { Refusal, clip, fieldErrors } from '../errors';

export interface Acceptance {
  process: string;
  workflowId: string;
  runId: string;
  signal?: string;
  duplicate?: true;
}

/** An event whose type is bound to a process and whose data fits the trigger. */
export interface CheckedEvent extends Binding {
  event: CloudEvent;
  data: unknown;
  /** For a start trigger: the run's input, settings attached. */
  input?: unknown;
}

const contextOf = (event: CloudEvent): EventContext => ({
  id: event.id,
  source: event.source,
  type: event.type,
  subject: event.subject,
  time: event.time,
});

/**
 * Turns an authenticated CloudEvent into a started or signalled process, exactly once: a redelivered event
 * (same source and id) or a second event for the same business object is answered as a duplicate.
 */
export class EventDispatcher {
  constructor(
    private readonly client: Client,
    private readonly pool: Pool,
    private readonly registry: ProcessDefinition[],
    /** What runs of a process still took from each step: each run it starts carries it, to show its own expectation. */
    private readonly forecastOf: (process: string) => Forecast | undefined = () => undefined,
  ) {}

  /** The event's process, trigger and data, checked against the registry without touching anything: 422 or 400. */
  check(event: CloudEvent): CheckedEvent {
    const binding = bindingFor(event.type, this.registry);
    if (!binding) {
      throw new Refusal(422, 'unbound_event_type', `no process is bound to event type "${clip(event.type)}"; see GET /processes`, [
        { field: 'type', message: 'no process is bound to this event type' },
      ]);
    }
    const data = binding.trigger.data.safeParse(event.data);
    const refused = (error: z.ZodError) =>
      new Refusal(400, 'invalid_data', `the data does not fit event type "${clip(event.type)}"`, fieldErrors(error, 'data'));
    if (!data.success) throw refused(data.error);
    if (binding.trigger.kind === 'signal') return { event, ...binding, data: data.data };
    // What the run will be given is checked here too: a fact the data cannot be weighed by (an amount in a currency
    // the process's thresholds are not in) is refused before a run starts, not inside it.
    const input = runInput(binding.process, binding.trigger, data.data, contextOf(event));
    if (!input.success) throw refused(input.error);
    return { event, ...binding, data: data.data, input: input.data };
  }

  /**
   * Starts or signals the process a checked event is for, once per sender's event (source and id). A signed request's
   * `delivery` is recorded by the replay guard in the same statement that looks the event up, and refused (401) before
   * anything is started where its webhook-id came with another request.
   */
  async accept({ event, process, trigger, data, input }: CheckedEvent, sender: string, delivery?: Delivery): Promise<Acceptance> {
    // One look-up for both: this very event taken before, and (for a start) the run its business key already started.
    const startsRun = trigger.kind === 'start' ? trigger.workflowId(data) : null;
    const recording = delivery && recordingOf(delivery, 5);
    const { rows } = await this.pool.query<{
      recorded_fingerprint: string | null;
      process: string | null;
      workflow_id: string | null;
      run_id: string | null;
      this_event: boolean | null;
    }>({
      // Named, so each of the intake's connections has PostgreSQL parse and plan it once, not once per event.
      name: recording ? 'intake-look-up-recording-delivery' : 'intake-look-up',
      text: `${recording ? `WITH delivery AS (${recording.sql})` : ''}
       SELECT ${recording ? '(SELECT fingerprint FROM delivery)' : 'NULL'} AS recorded_fingerprint,
              taken.process, taken.workflow_id, taken.run_id,
              (taken.sender = $1 AND taken.source = $2 AND taken.event_id = $3) AS this_event
         FROM (VALUES (1)) AS look_up
         LEFT JOIN intake_events taken
           ON (taken.sender = $1 AND taken.source = $2 AND taken.event_id = $3)
           OR (taken.workflow_id = $4 AND taken.action = 'start')`,
      values: [sender, event.source, event.id, startsRun, ...(recording?.values ?? [])],
    });
    if (delivery) refuseReplayed(delivery, rows[0].recorded_fingerprint!);
    const seen = rows.find((row) => row.this_event);
    if (seen) return { process: seen.process!, workflowId: seen.workflow_id!, runId: seen.run_id!, duplicate: true };
    const acceptance =
      trigger.kind === 'start'
        ? await this.start(process, startsRun!, input, rows[0].run_id ?? undefined)
        : await this.signal(process, trigger, data, contextOf(event));
    await this.pool.query({
      name: 'intake-record-event',
      text: `INSERT INTO intake_events (sender, source, event_id, event_type, process, action, workflow_id, run_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
      values: [sender, event.source, event.id, event.type, process.name, trigger.kind, acceptance.workflowId, acceptance.runId],
    });
    return acceptance;
  }

  /** Starts the run, unless the intake's record says an earlier event started it: that record outlives Temporal's retention. */
  private async start(
    process: ProcessDefinition,
    workflowId: string,
    input: unknown,
    startedBefore: string | undefined,
  ): Promise<Acceptance> {
    const accepted = { process: process.name, workflowId };
    if (startedBefore) return { ...accepted, runId: startedBefore, duplicate: true };
    const forecast = this.forecastOf(process.name);
    try {
      const handle = await this.client.workflow.start(process.workflow, {
        ...startOptions(process, input),
        ...(forecast ? { memo: { [FORECAST_MEMO]: forecast } } : {}),
        workflowId,
        args: [input],
        // One business object, one run, even after the first run has finished.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      return { ...accepted, runId: handle.firstExecutionRunId };
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      const { runId } = await this.client.workflow.getHandle(workflowId).describe();
      return { ...accepted, runId, duplicate: true };
    }
  }

  private async signal(
    process: ProcessDefinition,
    trigger: SignalTrigger<unknown, unknown>,
    data: unknown,
    event: EventContext,
  ): Promise<Acceptance> {
    const workflowId = trigger.workflowId(data);
    const handle = this.client.workflow.getHandle(workflowId);
    const notRunning = () =>
      new Refusal(409, 'process_not_running', `no running ${process.name} process has id "${workflowId}" to receive this event`);
    try {
      const { runId, status } = await handle.describe();
      if (status.name !== 'RUNNING') throw notRunning();
      await this.client.workflow.getHandle(workflowId, runId).signal(trigger.signal, trigger.payload(data, event));
      return { process: process.name, workflowId, runId, signal: trigger.signal.name };
    } catch (error) {
      throw error instanceof WorkflowNotFoundError ? notRunning() : error;
    }
  }
}
