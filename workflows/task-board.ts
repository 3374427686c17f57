import type { TaskEvent } from '../contracts/human-task';
import type { EnterStep } from './progress';

/**
 * The open tasks of the current stage, where several people may hold tasks at once, published as the run's progress:
 * the stage, the team it waits on, its earliest deadline, and each open task with its assignee (after escalation or
 * delegation, the one who holds it). Pass `track` as the observer of `humanTasks`.
 */
export function taskBoard(enterStep: EnterStep, firstStage: string) {
  let stage: { step: string; waitingOn?: string } = { step: firstStage };
  const open = new Map<string, { task: string; assignee: string; deadline?: string }>();
  const publish = () => {
    const tasks = [...open.values()].sort((a, b) => a.task.localeCompare(b.task));
    const earliest = tasks
      .map((task) => task.deadline)
      .filter((deadline) => deadline !== undefined)
      .sort()[0];
    const { step, waitingOn } = stage;
    enterStep(step, waitingOn ? { on: waitingOn, until: earliest ? new Date(earliest) : undefined } : undefined, tasks);
  };
  return {
    startStage(step: string, waitingOn?: string): void {
      stage = { step, waitingOn };
      open.clear();
      publish();
    },
    /** Keeps the board up to date with what happens to the tasks. */
    track(event: TaskEvent): void {
      if (event.kind === 'opened') open.set(event.task, { task: event.task, assignee: event.assignee, deadline: event.deadline });
      else if (event.kind === 'escalated' || event.kind === 'delegated')
        open.set(event.task, { ...open.get(event.task)!, assignee: event.assignee });
      else if (event.kind === 'decided' || event.kind === 'withdrawn') open.delete(event.task);
      else return;
      publish();
    },
  };
}
