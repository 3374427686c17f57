import { type Sinks, proxySinks, workflowInfo } from '@temporalio/workflow';
import { OBJECT_ATTRIBUTES, type ProcessEvent } from '../contracts/process-events';
import { BusinessKey } from '../contracts/search-attributes';

/**
 * The event log every run writes as it moves (see `workers/process-log.ts`): through a sink, which the SDK calls only
 * for what a run does the first time, never on a replay, and before the workflow task is completed, so nothing is
 * missed and nothing is written twice. Writing adds no command: recorded histories replay unchanged.
 */
export interface ProcessLogSinks extends Sinks {
  processLog: { record(event: ProcessEvent): void };
}

const { processLog } = proxySinks<ProcessLogSinks>();

// Per run (each workflow has its own module state), counted on replays too: the n-th event is always the same one.
let seq = 0;

/** The objects the run names by now: its business key (typed by the worker), customer, invoice, candidate. */
function objectsNow(): Record<string, string> {
  const attributes = workflowInfo().typedSearchAttributes;
  const objects: Record<string, string> = {};
  const key = attributes.get(BusinessKey);
  if (key) objects.case = key;
  for (const [type, attribute] of OBJECT_ATTRIBUTES) {
    const id = attributes.get(attribute);
    if (id) objects[type] = id;
  }
  return objects;
}

export function recordProcessEvent(event: Omit<ProcessEvent, 'seq' | 'at' | 'objects'>, at = new Date()): void {
  processLog.record({ ...event, seq: ++seq, at: at.toISOString(), objects: objectsNow() });
}
