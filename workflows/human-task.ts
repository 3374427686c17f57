import { msToNumber } from '@temporalio/common/lib/time';
import { ApplicationFailure, condition, defineUpdate, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { Decision, DecisionInput, TaskRequest } from '../contracts/human-task';
import type { EnterStep } from './progress';
import { mail, quickStep } from './retry-profiles';

const { openTask, reassignTask, closeTask } = proxyActivities<Activities>(quickStep);
const { sendEmail } = proxyActivities<Activities>(mail);

/** Delivered as an Update, so the person deciding hears at once when a decision is refused. */
export const decideTask = defineUpdate<Decision, [DecisionInput]>('decideTask');

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
 * Asks a person to decide. Without a deadline the task is due at once and waits, unreminded, for its assignee;
 * without `escalateTo` it stays with its assignee past the deadline.
 */
export type Ask = (request: TaskRequest) => Promise<Decision>;

/**
 * Human tasks for one run: call once at the start of a workflow, then `await ask(request)` where a person must
 * decide. A task is listed for its assignee and e-mailed to them, reminded, escalated past its deadline, and
 * decided through the `decideTask` update, which refuses unknown tasks, second decisions and other people.
 */
export function humanTasks(enterStep: EnterStep): Ask {
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
          throw ApplicationFailure.nonRetryable(
            `"${task}" is assigned to ${open.assignee}, not to ${decidedBy}`,
            TASK_REFUSALS.notAssignee,
          );
        }
        if (decision !== 'approve' && decision !== 'reject')
          throw ApplicationFailure.nonRetryable('decision must be "approve" or "reject"');
      },
    },
  );

  return async function ask(request: TaskRequest): Promise<Decision> {
    const id = taskId(workflowInfo().workflowId, request.name);
    const task: OpenTask = { assignee: request.assignee, escalated: false };
    tasks.set(request.name, task);
    const decided = () => task.decision !== undefined;
    const deadline = request.deadline ? new Date(Date.now() + msToNumber(request.deadline)) : undefined;
    const notify = (kind: string, to: string, subject: string) =>
      sendEmail({
        emailKey: `${id}/${kind}`,
        to,
        subject,
        text: [
          request.details,
          '',
          `${deadline ? `Decide by ${deadline.toISOString()}` : 'Decide'}:`,
          `  officeflow decide ${id} approve --as ${to}`,
          `  officeflow decide ${id} reject --as ${to} --comment "why"`,
        ].join('\n'),
        attachmentKeys: [],
      });

    const { name, title, details, assignee } = request;
    await openTask({
      taskId: id,
      workflowId: workflowInfo().workflowId,
      title,
      details,
      assignee,
      deadline: (deadline ?? new Date()).toISOString(),
    });
    await notify('assigned', request.assignee, `To decide: ${request.title}`);
    enterStep(name, { on: request.waitingOn, until: deadline });

    if (deadline && request.deadline) {
      const reminderMs = request.reminder ? msToNumber(request.reminder) : undefined;
      if (reminderMs && reminderMs < msToNumber(request.deadline) && !(await condition(decided, reminderMs))) {
        await notify('reminder', request.assignee, `Reminder: ${request.title}`);
      }
      if (!(await condition(decided, Math.max(deadline.getTime() - Date.now(), 1))) && request.escalateTo) {
        task.assignee = request.escalateTo;
        task.escalated = true;
        enterStep(name, { on: request.escalationWaitingOn ?? request.escalateTo });
        await reassignTask({ taskId: id, assignee: request.escalateTo });
        await notify('escalated', request.escalateTo, `Escalated to you: ${request.title}`);
      }
    }
    if (!decided()) await condition(decided);
    const decision = task.decision!;
    await closeTask({ taskId: id, ...decision });
    return decision;
  };
}
