import { z } from 'zod';
import { duration, email, label, plainText } from './fields';

/** What a person decides on a task. */
export const Verdict = z.enum(['approve', 'reject']);
export type Verdict = z.infer<typeof Verdict>;

/** A decision as the HTTP API and the CLI deliver it to the run. */
export const DecisionInput = z.object({
  /** The task's name within its run, e.g. `credit-approval`. */
  task: z.string().min(1).max(200),
  decidedBy: email,
  decision: Verdict,
  comment: plainText(2000).optional(),
});
export type DecisionInput = z.infer<typeof DecisionInput>;

/** A decision as the run keeps it. */
export const Decision = DecisionInput.omit({ task: true }).extend({ escalated: z.boolean() });
export type Decision = z.infer<typeof Decision>;

/** What a workflow asks a person: see `humanTasks()`. */
export const TaskRequest = z.object({
  /** Unique within the run, e.g. `credit-approval`. */
  name: z.string().min(1),
  title: label,
  /** What the person needs to know to decide. */
  details: z.string(),
  assignee: email,
  /** Who the run waits on while the task is open, for operators, e.g. `Finance`. */
  waitingOn: label,
  /** How long the person has; without one the task is due at once. */
  deadline: duration.optional(),
  /** When to remind the assignee, counted from the task's opening; ignored if not before the deadline. */
  reminder: duration.optional(),
  /** Past the deadline the task passes to this person. */
  escalateTo: email.optional(),
  escalationWaitingOn: label.optional(),
});
export type TaskRequest = z.infer<typeof TaskRequest>;

/** A task as the task list keeps it. */
export const TaskRecord = z.object({
  taskId: z.string(),
  workflowId: z.string(),
  title: z.string(),
  details: z.string(),
  assignee: z.string(),
  deadline: z.iso.datetime(),
});
export type TaskRecord = z.infer<typeof TaskRecord>;

export const TaskDecisionRecord = Decision.omit({ escalated: true }).extend({ taskId: z.string(), decidedBy: z.string() });
export type TaskDecisionRecord = z.infer<typeof TaskDecisionRecord>;
