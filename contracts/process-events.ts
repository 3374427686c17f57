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
