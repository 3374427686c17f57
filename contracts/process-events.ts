import { CandidateId, CustomerId, InvoiceNumber } from './search-attributes';

/**
 * One moment of a run, as the event log keeps it (`process_events`): the run started, entered a step (waiting on a
 * team or the outside world until a deadline), a task opened, passed on, was decided or withdrawn, the run ended.
 * Ids and names of steps, tasks, teams and verdicts only: no person's name or address.
 */
export interface ProcessEvent {
  /** The run's n-th event, counted by its workflow: the same on every replay, so a repeated write is the same row. */
  seq: number;
  kind: 'started' | 'step' | 'task-opened' | 'task-escalated' | 'task-delegated' | 'task-decided' | 'task-withdrawn' | 'ended';
  /** When, by the run's own clock (the workflow's). */
  at: string;
  /** The step entered; the task's name for a task's events. */
  step?: string;
  /** Who or what the step waits on (a team, the customer, a carrier); a task's team. */
  waitingOn?: string;
  deadline?: string;
  /** A task's verdict (`approve`, `request-changes`), a run's outcome (`paid`, `failed`). */
  detail?: string;
  /** The business objects the run touches by then, by type: `{ deal: 'D-1', customer: 'ACC-1001', invoice: 'INV-7' }`. */
  objects: Record<string, string>;
}

/** The search attributes that name a business object, and the object's type in the log. */
export const OBJECT_ATTRIBUTES = [
  ['customer', CustomerId],
  ['invoice', InvoiceNumber],
  ['candidate', CandidateId],
] as const;

/** Seconds a run still took from entering a step: the 10th, 50th and 90th percentile over finished runs. */
export type Remaining = [p10: number, p50: number, p90: number];

/**
 * What finished runs of a process still took from entering each step, by the path they had taken to it (see
 * `pathKey`) and by the step alone: the intake gives it to each new run (its memo, `forecast`), which shows its own
 * expectation in its current details in the Temporal UI as it moves, without asking anyone.
 */
export interface Forecast {
  byPath: Record<string, Remaining>;
  byStep: Record<string, Remaining>;
}

/** The memo field a run's forecast is given in. */
export const FORECAST_MEMO = 'forecast';

/** How a path marks a task that passed to someone else past its deadline: `<task> escalated`. */
export const ESCALATED = ' escalated';

/** A run's path so far as a key: its steps in order (a step once however long it stays) and its escalations (`<task> escalated`). */
export const pathKey = (path: readonly string[]): string => path.join(' → ');
