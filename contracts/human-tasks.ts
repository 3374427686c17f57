import { z } from 'zod';
import { duration, email, label, plainText } from './fields';

/** What a person decides on a task; a process says which verdicts a task allows. */
export const Verdict = z.enum(['approve', 'reject', 'request-changes']);
export type Verdict = z.infer<typeof Verdict>;

/** What a task allows when its process does not say. */
export const DEFAULT_VERDICTS: Verdict[] = ['approve', 'reject'];

/** Something a task offers its assignee to choose when approving: the invoices a payment may settle. */
export const TaskChoice = z.object({ id: z.string().min(1).max(100), label: plainText(500).min(1) });
export type TaskChoice = z.infer<typeof TaskChoice>;

/** A decision as the HTTP API and the CLI deliver it to the run. */
export const DecisionInput = z.object({
  /** The task's name within its run, e.g. `credit-approval`. */
  task: z.string().min(1).max(200),
  decidedBy: email,
  decision: Verdict,
  comment: plainText(2000).optional(),
  /** What the person chose of a task's choices, in order; approving a task that offers choices needs one at least. */
  chosen: z.array(z.string().min(1).max(100)).max(50).optional(),
});
export type DecisionInput = z.infer<typeof DecisionInput>;

/** A decision as the run keeps it: who decided, and for whom when it was someone else's task (escalated, delegated). */
export const Decision = DecisionInput.omit({ task: true }).extend({ onBehalfOf: email.optional(), escalated: z.boolean() });
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
  /** Who the run waits on once escalated (`Finance manager`); `<waitingOn> (manager)` unless said. */
  escalationWaitingOn: label.optional(),
  /** The verdicts this task allows; approve and reject unless said. */
  verdicts: z.array(Verdict).min(1).optional(),
  /** Verdicts that need a comment saying why (a rejection, a change request): refused without one. */
  commentRequiredFor: z.array(Verdict).optional(),
  /** What the assignee chooses among when approving (see `DecisionInput.chosen`). */
  choices: z.array(TaskChoice).min(1).max(50).optional(),
  /** Whether the assignee may hand the task to someone else (to whom: the run's `Duties`). */
  delegable: z.boolean().optional(),
  /** The task is an approval in a chain: four eyes hold within its stage and round (see `Duties`). */
  approval: z.object({ stage: z.string().min(1), round: z.number().int().min(1) }).optional(),
});
export type TaskRequest = z.infer<typeof TaskRequest>;

/**
 * Separation of duties, as a process states it in its settings: who may receive a delegated task, and whether one
 * person may approve twice. Whatever it says, the people a run is about (its submitter) never decide its tasks, and a
 * task is never handed to its holder, nor back to someone who held it.
 */
export const Duties = z.object({
  /** Who may receive a delegated task: people at these e-mail domains, or these people. Unset: the holder's own domain. */
  delegateTo: z
    .object({
      domains: z.array(z.string().regex(/^[a-z0-9.-]+$/i, 'must be an e-mail domain')).optional(),
      people: z.array(email).optional(),
    })
    .optional(),
  /**
   * Whether one person may hold two tasks of a stage, or approve twice in a round of an approval chain. Unset: never —
   * four eyes see each approval.
   */
  onePersonMayApproveTwice: z.boolean().optional(),
});
export type Duties = z.infer<typeof Duties>;

/** An assignee handing a task to someone else, as the HTTP API delivers it. */
export const DelegationInput = z.object({
  task: z.string().min(1).max(200),
  delegatedBy: email,
  to: email,
  comment: plainText(2000).optional(),
});
export type DelegationInput = z.infer<typeof DelegationInput>;

/** What happened to a task, for a process that keeps an audit trail. */
export type TaskEvent =
  | { kind: 'opened'; task: string; assignee: string; deadline?: string; insteadOf?: string; because?: string }
  | { kind: 'escalation-refused'; task: string; assignee: string; to: string; because: string }
  | { kind: 'reminded' | 'withdrawn'; task: string; assignee: string }
  | { kind: 'escalated'; task: string; assignee: string; from: string }
  | { kind: 'delegated'; task: string; assignee: string; from: string; comment?: string }
  | { kind: 'decided'; task: string; decision: Decision };

/** A task as the task list keeps it. */
export const TaskRecord = z.object({
  taskId: z.string(),
  workflowId: z.string(),
  title: z.string(),
  details: z.string(),
  assignee: z.string(),
  deadline: z.iso.datetime(),
  verdicts: z.array(Verdict).optional(),
  /** The verdicts that need a comment, so the pages can ask for one. */
  commentRequiredFor: z.array(Verdict).optional(),
  /** The team the run waits on while the task is open (its `waitingOn`). */
  team: z.string().optional(),
  choices: z.array(TaskChoice).optional(),
});
export type TaskRecord = z.infer<typeof TaskRecord>;

export const TaskDecisionRecord = Decision.omit({ escalated: true }).extend({ taskId: z.string(), decidedBy: z.string() });
export type TaskDecisionRecord = z.infer<typeof TaskDecisionRecord>;
