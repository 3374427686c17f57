import {
  type WorkflowExecuteInput,
  type Next,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
  TemporalFailure,
  isCancellation,
  metricMeter,
  workflowInfo,
} from '@temporalio/workflow';
import { recordProcessEvent } from './process-log';

/**
 * Business metrics of every run, beside the SDK's own: runs started and ended per process (the `workflow_type` tag)
 * and outcome (`paid`, `credit-rejected`, … where the result names one), exported by the worker's Prometheus
 * endpoint, and its start and end in the event log (`process-log.ts`). The SDK drops what a replay records, so a run
 * is counted once however often it is replayed.
 */

/** How a run ended, in the business's words where its result says. */
function outcomeOf(result: unknown): string {
  const outcome = (result as { outcome?: unknown } | undefined)?.outcome;
  return typeof outcome === 'string' ? outcome : 'completed';
}

class RunMetrics implements WorkflowInboundCallsInterceptor {
  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const runsStarted = metricMeter.createCounter('officeflow_runs_started', 'runs', 'Runs that started, per process');
    const runsEnded = metricMeter.createCounter('officeflow_runs_ended', 'runs', 'Runs that ended, per process and outcome');
    const ended = (outcome: string) => {
      runsEnded.add(1, { outcome });
      recordProcessEvent({ kind: 'ended', detail: outcome });
    };
    runsStarted.add(1);
    recordProcessEvent({ kind: 'started' }, workflowInfo().runStartTime);
    try {
      const result = await next(input);
      ended(outcomeOf(result));
      return result;
    } catch (error) {
      // Only a Temporal failure ends the run; any other error fails the workflow task, which is retried.
      if (isCancellation(error)) ended('cancelled');
      else if (error instanceof TemporalFailure) ended('failed');
      throw error;
    }
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({ inbound: [new RunMetrics()] });
