import type { InjectedSinks } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { ProcessEvent } from '../contracts/process-events';
import type { ProcessDefinition } from '../definitions/define';
import type { ProcessLogSinks } from '../workflows/process-log';
import { businessKeyOf } from './activity-logging';

interface LoggedEvent extends ProcessEvent {
  runId: string;
  workflowId: string;
  process: string;
  taskQueue: string;
}

/** Tries a write this often, a moment apart, before the events are logged as lost. */
const ATTEMPTS = 5;
const PAUSE_MS = 200;

/**
 * Writes the runs' events into the event log (`process_events`) and each run's state (`process_runs`). The SDK calls
 * the sink before it completes the workflow task, and waits for it: events a task's retry writes again are the same
 * rows (each run's n-th event once), and the events of every task in flight at the moment go in one statement.
 */
export function processLogSinks(pool: Pool, registry: ProcessDefinition[], log: Logger): InjectedSinks<ProcessLogSinks> {
  const processOf = new Map(registry.map((process) => [process.workflow.name, process]));
  let batch: LoggedEvent[] = [];
  let written: Promise<void> | undefined;

  const write = async (events: LoggedEvent[]) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await writeEvents(pool, events);
      } catch (error) {
        if (attempt === ATTEMPTS) {
          log.error({ err: error, events: events.length }, 'events of the event log were not written');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, PAUSE_MS * attempt));
      }
    }
  };

  const record = (info: WorkflowInfo, event: ProcessEvent): Promise<void> => {
    const process = processOf.get(info.workflowType);
    // The business key, typed as what it names: a run started without its search attributes has it in its workflow id.
    const { case: keyAttribute, ...objects } = event.objects;
    const key = keyAttribute ?? businessKeyOf(info.workflowId, registry);
    const typed = key ? { [process?.businessObject ?? process?.name ?? 'case']: key, ...objects } : objects;
    batch.push({
      ...event,
      objects: typed,
      runId: info.runId,
      workflowId: info.workflowId,
      process: process?.name ?? info.workflowType,
      taskQueue: info.taskQueue,
    });
    // Every event recorded before the next turn of the event loop goes in the same write.
    written ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const events = batch;
      batch = [];
      written = undefined;
      return write(events);
    });
    return written;
  };
  return { processLog: { record: { fn: record, callDuringReplay: false } } };
}

/** What a batch says of each run: the objects it names, when it started, its latest step, how it ended. */
function runsOf(events: LoggedEvent[]) {
  const runs = new Map<string, Record<string, unknown>>();
  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    const run = runs.get(event.runId) ?? {
      runId: event.runId,
      workflowId: event.workflowId,
      process: event.process,
      taskQueue: event.taskQueue,
      stepSeq: 0,
    };
    run.objects = { ...(run.objects as object), ...event.objects };
    if (event.kind === 'started') run.startedAt = event.at;
    if (event.kind === 'step')
      Object.assign(run, { step: event.step, waitingOn: event.waitingOn, stepSince: event.at, stepSeq: event.seq });
    if (event.kind === 'ended') Object.assign(run, { endedAt: event.at, outcome: event.detail });
    runs.set(event.runId, run);
  }
  return [...runs.values()];
}

async function writeEvents(pool: Pool, events: LoggedEvent[]): Promise<void> {
  await pool.query(
    `WITH written AS (
       INSERT INTO process_events (run_id, seq, workflow_id, process, kind, step, waiting_on, deadline, detail, objects, at)
       SELECT "runId", seq, "workflowId", process, kind, step, "waitingOn", deadline, detail, objects, at
         FROM jsonb_to_recordset($1) AS e("runId" text, seq int, "workflowId" text, process text, kind text, step text,
              "waitingOn" text, deadline timestamptz, detail text, objects jsonb, at timestamptz)
       ON CONFLICT (run_id, seq) DO UPDATE SET kind = EXCLUDED.kind, step = EXCLUDED.step, waiting_on = EXCLUDED.waiting_on,
          deadline = EXCLUDED.deadline, detail = EXCLUDED.detail, objects = EXCLUDED.objects, at = EXCLUDED.at
     )
     INSERT INTO process_runs AS r (run_id, workflow_id, process, task_queue, objects, started_at, step, waiting_on,
                                    step_since, step_seq, ended_at, outcome)
     SELECT "runId", "workflowId", process, "taskQueue", objects, "startedAt", step, "waitingOn", "stepSince", "stepSeq",
            "endedAt", outcome
       FROM jsonb_to_recordset($2) AS x("runId" text, "workflowId" text, process text, "taskQueue" text, objects jsonb,
            "startedAt" timestamptz, step text, "waitingOn" text, "stepSince" timestamptz, "stepSeq" int,
            "endedAt" timestamptz, outcome text)
     -- Batches of one run may be written out of order (a retried write): the latest step wins.
     ON CONFLICT (run_id) DO UPDATE SET
       objects = r.objects || EXCLUDED.objects,
       started_at = coalesce(r.started_at, EXCLUDED.started_at),
       step = CASE WHEN EXCLUDED.step_seq > r.step_seq THEN EXCLUDED.step ELSE r.step END,
       waiting_on = CASE WHEN EXCLUDED.step_seq > r.step_seq THEN EXCLUDED.waiting_on ELSE r.waiting_on END,
       step_since = CASE WHEN EXCLUDED.step_seq > r.step_seq THEN EXCLUDED.step_since ELSE r.step_since END,
       step_seq = greatest(r.step_seq, EXCLUDED.step_seq),
       ended_at = coalesce(r.ended_at, EXCLUDED.ended_at),
       outcome = coalesce(r.outcome, EXCLUDED.outcome)`,
    [JSON.stringify(events), JSON.stringify(runsOf(events))],
  );
}
