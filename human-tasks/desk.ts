import { type Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import { type TaskList, taskListActivities } from '../activities/human-tasks/store';
import type { DecisionInput, DelegationInput } from '../contracts/human-tasks';
import { TASK_REFUSALS, decideTask, delegateTask, taskName } from '../workflows/human-tasks';
import { Refusal } from '../web/errors';
import type { OperatorLog } from '../db/operator-log';

const refusalStatus: Record<string, number> = {
  [TASK_REFUSALS.unknown]: 404,
  [TASK_REFUSALS.decided]: 409,
  [TASK_REFUSALS.notAssignee]: 403,
  [TASK_REFUSALS.commentRequired]: 422,
  [TASK_REFUSALS.fourEyes]: 403,
};

/** The run's answer to an update, its refusals as 404, 409, 403 or 422 (400 for anything else it refuses). */
async function delivered<T>(update: Promise<T>): Promise<T> {
  try {
    return await update;
  } catch (error) {
    const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
    if (cause instanceof ApplicationFailure)
      throw new Refusal((cause.type && refusalStatus[cause.type]) || 400, cause.type ?? 'refused', cause.message);
    throw error;
  }
}

/**
 * Delivers what people do with their tasks to the runs the tasks belong to, as Updates, whichever way they act (the
 * task API, the pages of one-click links): the run checks and answers at once. Delegations and decisions taken for
 * someone else go into the operator log.
 */
export function taskDesk(client: Client, tasks: TaskList, pool: Pool, log: OperatorLog) {
  const taskList = taskListActivities(pool);
  /** The run a task belongs to, and the task's name within it; 404 for an unknown task. */
  const runOf = async (taskId: string) => {
    const task = await tasks.task(taskId);
    if (!task) throw new Refusal(404, 'unknown_task', `no task "${taskId}"`);
    return { handle: client.workflow.getHandle(task.workflowId), task: taskName(taskId, task.workflowId) };
  };
  return {
    async decide(taskId: string, decision: Omit<DecisionInput, 'task'>) {
      const { handle, task } = await runOf(taskId);
      const decided = await delivered(handle.executeUpdate(decideTask, { args: [{ task, ...decision }] }));
      // The run closes the task on the list too, a moment later; closed here at once, the person's next look shows it
      // (the same idempotent write).
      const { escalated: _escalated, ...record } = decided;
      await taskList.closeTask({ taskId, ...record });
      if (decided.onBehalfOf)
        await log.record({
          actor: decided.decidedBy,
          action: 'decided-on-behalf',
          target: taskId,
          reason: decided.comment,
          detail: { decision: decided.decision, onBehalfOf: decided.onBehalfOf, escalated: decided.escalated },
        });
      return { taskId, ...decided };
    },
    async delegate(taskId: string, delegation: Omit<DelegationInput, 'task'>) {
      const { handle, task } = await runOf(taskId);
      const delegated = await delivered(handle.executeUpdate(delegateTask, { args: [{ task, ...delegation }] }));
      await log.record({
        actor: delegation.delegatedBy,
        action: 'task-delegated',
        target: taskId,
        reason: delegation.comment,
        detail: { to: delegated.assignee },
      });
      return { taskId, ...delegated };
    },
  };
}

export type TaskDesk = ReturnType<typeof taskDesk>;
