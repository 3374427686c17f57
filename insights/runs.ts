import { ESCALATED } from '../contracts/process-events';

/** A run as the event log has it: its events in order (see `workers/process-log.ts`). */
export interface LoggedEvent {
  seq: number;
  kind: string;
  step?: string;
  waitingOn?: string;
  deadline?: Date;
  detail?: string;
  at: Date;
}

export interface LoggedRun {
  runId: string;
  workflowId: string;
  startedAt: Date;
  endedAt?: Date;
  outcome?: string;
  events: LoggedEvent[];
}

/** The path a run took: its steps in order (a step once however long it stays), and its escalations. */
export function pathOf(run: LoggedRun): string[] {
  const path: string[] = [];
  let step: string | undefined;
  for (const event of run.events) {
    if (event.kind === 'step' && event.step !== step) path.push(event.step!);
    if (event.kind === 'step') step = event.step;
    if (event.kind === 'task-escalated') path.push(`${event.step}${ESCALATED}`);
  }
  return path;
}
