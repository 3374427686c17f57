import { msToNumber } from '@temporalio/common/lib/time';
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  defineUpdate,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  DEFAULT_VERDICTS,
  type Decision,
  type DecisionInput,
  type DelegationInput,
  type Duties,
  type TaskEvent,
  type TaskRequest,
} from '../contracts/human-tasks';
import { same, separationOfDuties } from './four-eyes';
import type { RunProgress } from './progress';
import { mail, quickStep } from './retry-profiles';

const { openTask, reassignTask, closeTask, withdrawTask } = proxyActivities<Activities>(quickStep);
const { sendEmail } = proxyActivities<Activities>(mail);

/** Delivered as an Update, so the person deciding hears at once when a decision is refused. */
export const decideTask = defineUpdate<Decision, [DecisionInput]>('decideTask');

/** An assignee hands a task to someone else; refused like a decision when they may not. */
export const delegateTask = defineUpdate<{ task: string; assignee: string }, [DelegationInput]>('delegateTask');

/** Refusals the caller sees; their types let the HTTP API answer 404, 409 or 403. */
export const TASK_REFUSALS = {
  unknown: 'UnknownTask',
  decided: 'TaskAlreadyDecided',
  notAssignee: 'NotTheAssignee',
  commentRequired: 'CommentRequired',
  fourEyes: 'SeparationOfDuties',
} as const;

export interface OpenTask {
  request: TaskRequest;
  /** Who holds the task now: the assignee, their manager past the deadline, or a delegate. */
  holder: string;
  /** Everyone who has held it, the assignee first: it is never handed back to one of them. */
  heldBy: string[];
  /** Who it opened for: its assignee, or whom four eyes gave it to instead. A decision by another is on their behalf. */
  openedFor: string;
  escalated: boolean;
  /** Set once decided or withdrawn: no decision is taken after. */
  closed?: 'decided' | 'withdrawn';
  decision?: Decision;
  /** The decision heard by `observe`, from the moment it was made: decisions are observed in the order people made them. */
  observed?: Promise<void>;
}

/** Who decided, and why where they said: `lee@example.com: too many open invoices`. */
export const whoDecided = ({ decidedBy, comment }: Pick<Decision, 'decidedBy' | 'comment'>): string =>
  `${decidedBy}${comment ? `: ${comment}` : ''}`;

/** The global id of a run's task: what people see in the task list and pass to the API. */
export const taskId = (workflowId: string, name: string): string => `${workflowId}:${name}`;

/** The task's name within its run, from its global id: the inverse of `taskId`. */
export const taskName = (id: string, workflowId: string): string => id.slice(taskId(workflowId, '').length);

/**
 * Asks a person to decide. Without a deadline the task is due at once and waits, unreminded, for its assignee;
 * without `escalateTo` it stays with its assignee past the deadline. Cancelling the caller's scope withdraws the task.
 */
export interface Ask {
  (request: TaskRequest): Promise<Decision>;
  /** Why four eyes keep a person from approving in a stage about to open, or undefined when they may. */
  whyNotSeat(approval: NonNullable<TaskRequest['approval']>, person: string): string | undefined;
}

export interface HumanTaskOptions {
  /** Hears of each event of each task (an audit trail). */
  observe?: (event: TaskEvent) => Promise<void>;
  /** The people the run is about (its submitter, its claimant): they never decide nor receive its tasks. */
  about?: string[];
  /** The process's separation of duties: see `Duties`. */
  duties?: Duties;
}

/**
 * Human tasks for one run: call once at the start of a workflow, then `await ask(request)` where a person must
 * decide. A task is listed for its assignee and e-mailed to them, reminded, escalated past its deadline, delegated if
 * the process allows it, and decided through the `decideTask` update, which refuses unknown tasks, second decisions,
 * other people, a verdict without the comment the task requires for it, and whatever breaks separation of duties
 * (see `separationOfDuties`). The run's progress shows each open task by itself (a stage's, where the workflow started one).
 */
export function humanTasks(
  progress: RunProgress,
  { observe = async () => undefined, about = [], duties = {} }: HumanTaskOptions = {},
): Ask {
  const tasks = new Map<string, OpenTask>();
  const workflowId = () => workflowInfo().workflowId;
  // Runs recorded before this observed a decision once the task was closed, which can reorder two made together.
  const observedWhenMade = patched('task-decision-observed-when-made');

  /** The open task a person may act on, or the refusal they hear. */
  const heldBy = (name: string, person: string): OpenTask => {
    const task = tasks.get(name);
    if (!task) throw ApplicationFailure.nonRetryable(`this run has no task "${name}"`, TASK_REFUSALS.unknown);
    if (task.closed) {
      const how = task.decision ? 'already decided' : 'withdrawn: its stage was decided without it';
      throw ApplicationFailure.nonRetryable(`"${name}" was ${how}`, TASK_REFUSALS.decided);
    }
    // Plain: who holds a task is not told to whoever asks.
    if (!same(person, task.holder)) throw ApplicationFailure.nonRetryable(`"${name}" is not yours to act on`, TASK_REFUSALS.notAssignee);
    return task;
  };

  const duty = separationOfDuties(about, duties, () => [...tasks.values()]);
  const refuse = (why: string | undefined) => {
    if (why) throw ApplicationFailure.nonRetryable(why, TASK_REFUSALS.fourEyes);
  };

  setHandler(
    decideTask,
    ({ task: name, decidedBy, decision, comment, chosen }) => {
      const task = tasks.get(name)!;
      // A task that opened for someone else (four eyes kept its assignee from it) is not decided on their behalf.
      const onBehalfOf = same(task.holder, task.openedFor) ? undefined : task.openedFor;
      task.decision = {
        decision,
        decidedBy,
        ...(onBehalfOf ? { onBehalfOf } : {}),
        comment,
        escalated: task.escalated,
        // What was chosen goes with an approval only.
        ...(chosen?.length && decision === 'approve' ? { chosen } : {}),
      };
      task.closed = 'decided';
      if (observedWhenMade) {
        // Kept even when the run is cancelled right after: the decision was made, and the trail must say so.
        const decided = { kind: 'decided', task: name, decision: task.decision } as const;
        // (Runs recorded before this observed it cancellably.)
        task.observed = patched('decision-observed-to-the-end')
          ? CancellationScope.nonCancellable(() => observe(decided))
          : observe(decided);
        task.observed.catch(() => undefined); // awaited, and so thrown, where the task is closed
      }
      return task.decision;
    },
    {
      validator: ({ task: name, decidedBy, decision, comment, chosen }) => {
        const task = heldBy(name, decidedBy);
        const allowed = task.request.verdicts ?? DEFAULT_VERDICTS;
        if (!allowed.includes(decision)) throw ApplicationFailure.nonRetryable(`decision must be one of: ${allowed.join(', ')}`);
        refuse(duty.whyNot(task, decidedBy, decision === 'approve'));
        const offered = task.request.choices?.map((choice) => choice.id) ?? [];
        const picked = chosen ?? [];
        const unknown = picked.filter((id: string) => !offered.includes(id));
        if (unknown.length)
          throw ApplicationFailure.nonRetryable(
            `"${name}" offers no ${unknown.join(', ')}: choose among ${offered.join(', ') || 'nothing'}`,
          );
        if (new Set(picked).size < picked.length) throw ApplicationFailure.nonRetryable('choose each at most once');
        if (offered.length && decision === 'approve' && picked.length === 0)
          throw ApplicationFailure.nonRetryable(`approving "${name}" needs a choice: one or more of ${offered.join(', ')}`);
        if (task.request.commentRequiredFor?.includes(decision) && !comment?.trim())
          throw ApplicationFailure.nonRetryable(`say why: "${decision}" on "${name}" needs a comment`, TASK_REFUSALS.commentRequired);
      },
    },
  );

  setHandler(
    delegateTask,
    async ({ task: name, to, comment }) => {
      const task = tasks.get(name)!;
      const from = task.holder;
      task.holder = to;
      task.heldBy.push(to);
      progress.tasks.delegated(name, to);
      const id = taskId(workflowId(), name);
      await reassignTask({ taskId: id, assignee: to, escalated: false });
      await notify(id, task.request, 'delegated', to, `Delegated to you by ${from}: ${task.request.title}`);
      progress.tasks.told();
      await observe({ kind: 'delegated', task: name, assignee: to, from, comment });
      return { task: name, assignee: to };
    },
    {
      validator: ({ task: name, delegatedBy, to }) => {
        const task = heldBy(name, delegatedBy);
        if (!task.request.delegable) throw ApplicationFailure.nonRetryable(`"${name}" cannot be delegated`, TASK_REFUSALS.notAssignee);
        if (same(to, delegatedBy)) throw ApplicationFailure.nonRetryable('delegate to someone else');
        refuse(duty.whyNotHandTo(task, to));
      },
    },
  );

  const notify = (id: string, request: TaskRequest, kind: string, to: string, subject: string, deadline?: Date) =>
    sendEmail({
      emailKey: `${id}/${kind}${kind === 'delegated' ? `/${to}` : ''}`,
      to,
      subject,
      // The mail adds the task's one-click link and its page in the inbox (see activities/mail/outbox.ts).
      text: [
        request.details,
        '',
        deadline ? `Please decide by ${deadline.toISOString().slice(0, 16).replace('T', ' ')} UTC.` : 'Please decide when you can.',
      ].join('\n'),
      attachmentKeys: [],
      // The assignee's link expires with their deadline; one for an escalation or a delegation, with the task.
      decisionLink: {
        taskId: id,
        assignee: to,
        expiresAt: kind === 'assigned' || kind === 'reminder' ? deadline?.toISOString() : undefined,
      },
    });

  /**
   * Who first holds a task: its assignee, or where four eyes keep them from it (the run is about them, they approved
   * already), the person it would escalate to, if they may; else the run fails, saying why, for its process to change.
   */
  const firstHolder = (task: OpenTask): { holder: string; because?: string } => {
    const { assignee, escalateTo, title } = task.request;
    const because = duty.whyNot(task, assignee, true);
    if (!because) return { holder: assignee };
    const instead = escalateTo && duty.whyNot(task, escalateTo, true);
    if (escalateTo && !instead) return { holder: escalateTo, because };
    throw ApplicationFailure.nonRetryable(
      `nobody may decide "${title}": ${because}${escalateTo ? `, and ${instead}` : ', and no one is named to take it instead'}`,
      TASK_REFUSALS.fourEyes,
    );
  };

  const ask = async function ask(request: TaskRequest): Promise<Decision> {
    const id = taskId(workflowId(), request.name);
    const task: OpenTask = { request, holder: request.assignee, heldBy: [request.assignee], openedFor: request.assignee, escalated: false };
    tasks.set(request.name, task);
    const decided = () => task.decision !== undefined;
    const deadline = request.deadline ? new Date(Date.now() + msToNumber(request.deadline)) : undefined;
    // Four eyes hold from the opening on (runs recorded before this opened a task for its assignee, whoever they were).
    const opening = patched('four-eyes-at-opening') ? firstHolder(task) : { holder: request.assignee };
    if (opening.because) {
      task.holder = opening.holder;
      task.openedFor = opening.holder;
      task.heldBy.push(opening.holder);
      task.escalated = true;
    }

    const { name, title, details } = request;
    const assignee = task.holder;
    try {
      const verdicts = request.verdicts ?? DEFAULT_VERDICTS;
      const open = () =>
        openTask({
          taskId: id,
          workflowId: workflowId(),
          title,
          details,
          assignee,
          deadline: (deadline ?? new Date()).toISOString(),
          verdicts,
          commentRequiredFor: request.commentRequiredFor,
          team: request.waitingOn,
          ...(request.choices ? { choices: request.choices } : {}),
        });
      // Opened to the end even if the caller stops waiting meanwhile, so a withdrawal never overtakes the insert.
      // Runs recorded before this change opened it cancellably.
      await (patched('open-task-to-the-end') ? CancellationScope.nonCancellable(open) : open());
      await notify(id, request, 'assigned', assignee, `To decide: ${request.title}`, deadline);
      progress.tasks.opened({ task: name, assignee, deadline: deadline?.toISOString() }, request.waitingOn);
      const insteadOf = opening.because ? { insteadOf: request.assignee, because: opening.because } : {};
      await observe({ kind: 'opened', task: name, assignee, deadline: deadline?.toISOString(), ...insteadOf });
      if (deadline && request.deadline) {
        const reminderMs = request.reminder ? msToNumber(request.reminder) : undefined;
        if (reminderMs && reminderMs < msToNumber(request.deadline) && !(await condition(decided, reminderMs))) {
          await notify(id, request, 'reminder', task.holder, `Reminder: ${request.title}`, deadline);
          await observe({ kind: 'reminded', task: name, assignee: task.holder });
        }
        // An escalation follows the four-eyes rules too (runs recorded before this escalated regardless): a manager
        // who would decide twice leaves the task with its holder, overdue for operators to see.
        const whyNotEscalate = (to: string) => (patched('escalation-keeps-four-eyes') ? duty.whyNot(task, to, true) : undefined);
        const overdue = !(await condition(decided, Math.max(deadline.getTime() - Date.now(), 1)));
        // A task that opened with the manager already holds it: nobody further to pass it to.
        const refused = overdue && request.escalateTo && !task.escalated ? whyNotEscalate(request.escalateTo) : undefined;
        // The task stays, overdue, with its holder; operators read why in the run's log and the process's trail.
        // (Runs recorded before this kept it silently.)
        if (refused && patched('refused-escalation-recorded')) {
          // No addresses in the log: the trail, which keeps personal data where it belongs, says who and why.
          log.warn('an escalation was not made: it would break four eyes', { task: name });
          await observe({ kind: 'escalation-refused', task: name, assignee: task.holder, to: request.escalateTo!, because: refused });
        }
        if (overdue && request.escalateTo && !task.escalated && !refused) {
          const from = task.holder;
          task.holder = request.escalateTo;
          task.heldBy.push(request.escalateTo);
          task.escalated = true;
          // Who the run waits on is a team, never an address: search attributes and the event log are not encrypted.
          progress.tasks.escalated(name, request.escalateTo, request.escalationWaitingOn ?? `${request.waitingOn} (manager)`);
          await reassignTask({ taskId: id, assignee: request.escalateTo });
          await notify(id, request, 'escalated', request.escalateTo, `Escalated to you: ${request.title}`, deadline);
          progress.tasks.told();
          await observe({ kind: 'escalated', task: name, assignee: request.escalateTo, from });
        }
      }
      if (!decided()) await condition(decided);
    } catch (error) {
      if (!isCancellation(error) || decided()) throw error;
      // The caller no longer needs this task (another approver decided the stage): take it off the list.
      task.closed = 'withdrawn';
      await CancellationScope.nonCancellable(async () => {
        await withdrawTask(id);
        progress.tasks.withdrawn(name);
        await observe({ kind: 'withdrawn', task: name, assignee: task.holder });
      });
      throw error;
    }
    const decision = task.decision!;
    // Once decided, the task is closed even if the caller stops waiting for it meanwhile.
    await CancellationScope.nonCancellable(async () => {
      await closeTask({ taskId: id, ...decision });
      progress.tasks.decided(name, decision.decision);
      await (task.observed ?? observe({ kind: 'decided', task: name, decision }));
    });
    return decision;
  };
  return Object.assign(ask, { whyNotSeat: duty.whyNotSeat });
}
