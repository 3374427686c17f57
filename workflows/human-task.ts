import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { ApplicationFailure, condition, defineUpdate, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { EnterStep } from './progress';

const { openTask, reassignTask, closeTask, sendEmail } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '1 minute',
});

export type Verdict = 'approve' | 'reject';

/** A person's decision on a task, as the HTTP API and the CLI send it. */
export interface DecisionInput {
  /** The task's name within its run, e.g. `credit-approval`. */
  task: string;
  decidedBy: string;
  decision: Verdict;
  comment?: string;
}

export interface Decision {
  decision: Verdict;
  decidedBy: string;
  comment?: string;
  escalated: boolean;
}

/** Delivered as an Update, so the person deciding hears at once when a decision is refused. */
export const decideTask = defineUpdate<Decision, [DecisionInput]>('decideTask');

export interface TaskRequest {
  /** Unique within the run, e.g. `credit-approval`. */
  name: string;
  title: string;
  /** What the person needs to know to decide. */
  details: string;
  assignee: string;
  /** Who the run waits on while the task is open, for operators, e.g. `Finance`. */
  waitingOn: string;
  deadline: Duration;
  /** When to remind the assignee, counted from the task's opening; ignored if not before the deadline. */
  reminder?: Duration;
  /** Past the deadline the task passes to this person. */
  escalateTo: string;
  escalationWaitingOn: string;
}

/** Refusals the caller sees; their types let the HTTP API answer 404, 409 or 403. */
export const TASK_REFUSALS = { unknown: 'UnknownTask', decided: 'TaskAlreadyDecided', notAssignee: 'NotTheAssignee' } as const;

interface OpenTask {
  assignee: string;
  escalated: boolean;
  decision?: Decision;
}

/** The global id of a run's task: what people see in the task list and pass to the API. */
export const taskId = (workflowId: string, name: string): string => `${workflowId}:${name}`;

/** The task's name within its run, from its global id: the inverse of `taskId`. */
export const taskName = (id: string, workflowId: string): string => id.slice(taskId(workflowId, '').length);

/**
 * Human tasks for one run: call once at the start of a workflow, then `await ask(request)` where a person must
 * decide. A task is listed for its assignee and e-mailed to them, reminded, escalated past its deadline, and
 * decided through the `decideTask` update, which refuses unknown tasks, second decisions and other people.
 */
export function humanTasks(enterStep: EnterStep): (request: TaskRequest) => Promise<Decision> {
  const tasks = new Map<string, OpenTask>();
  setHandler(
    decideTask,
    ({ task, decidedBy, decision, comment }) => {
      const open = tasks.get(task)!;
      open.decision = { decision, decidedBy, comment, escalated: open.escalated };
      return open.decision;
    },
    {
      validator: ({ task, decidedBy, decision }) => {
        const open = tasks.get(task);
        if (!open) throw ApplicationFailure.nonRetryable(`this run has no task "${task}"`, TASK_REFUSALS.unknown);
        if (open.decision) {
          throw ApplicationFailure.nonRetryable(`"${task}" was already decided by ${open.decision.decidedBy}`, TASK_REFUSALS.decided);
        }
        if (decidedBy.toLowerCase() !== open.assignee.toLowerCase()) {
          throw ApplicationFailure.nonRetryable(`"${task}" is assigned to ${open.assignee}, not to ${decidedBy}`, TASK_REFUSALS.notAssignee);
        }
        if (decision !== 'approve' && decision !== 'reject') throw ApplicationFailure.nonRetryable('decision must be "approve" or "reject"');
      },
    },
  );

  return async function ask(request: TaskRequest): Promise<Decision> {
    const id = taskId(workflowInfo().workflowId, request.name);
    const task: OpenTask = { assignee: request.assignee, escalated: false };
    tasks.set(request.name, task);
    const decided = () => task.decision !== undefined;
    const deadline = new Date(Date.now() + msToNumber(request.deadline));
    const notify = (kind: string, to: string, subject: string) =>
      sendEmail({
        emailKey: `${id}/${kind}`,
        to,
        subject,
        text: `${request.details}\n\nDecide by ${deadline.toISOString()}:\n  officeflow decide ${id} approve --as ${to}\n  officeflow decide ${id} reject --as ${to} --comment "why"`,
        attachmentKeys: [],
      });

    await openTask({ taskId: id, workflowId: workflowInfo().workflowId, ...request, deadline: deadline.toISOString() });
    await notify('assigned', request.assignee, `To decide: ${request.title}`);
    enterStep(request.name, { on: request.waitingOn, until: deadline });

    const reminderMs = request.reminder ? msToNumber(request.reminder) : undefined;
    if (reminderMs && reminderMs < msToNumber(request.deadline) && !(await condition(decided, reminderMs))) {
      await notify('reminder', request.assignee, `Reminder: ${request.title}`);
    }
    if (!(await condition(decided, Math.max(deadline.getTime() - Date.now(), 1)))) {
      task.assignee = request.escalateTo;
      task.escalated = true;
      enterStep(request.name, { on: request.escalationWaitingOn });
      await reassignTask({ taskId: id, assignee: request.escalateTo });
      await notify('escalated', request.escalateTo, `Escalated to you: ${request.title}`);
      await condition(decided);
    }
    const decision = task.decision!;
    await closeTask({ taskId: id, ...decision });
    return decision;
  };
}
