import { CancellationScope } from '@temporalio/workflow';
import type { HireToOnboardInput, HireToOnboardSettings, NewHire } from '../../contracts/hire';
import { compensations } from '../compensation';
import { type Ask, humanTasks } from '../human-tasks';
import { trackProgress } from '../progress';

/**
 * One hire's run, as order-to-cash's `followDeal` and contract approval's `followContract` hold theirs: the new
 * employee, the settings, what the run has heard, and the means every phase uses. Several people may hold tasks at
 * once (the manager, IT, HR): each phase is a stage, showing each of them.
 */
export function followHire({ hire, settings }: HireToOnboardInput): Hire {
  const progress = trackProgress('employee-record');
  const ask = humanTasks(progress, { about: [hire.personalEmail] });
  return {
    hire,
    settings,
    employeeNumber: '',
    startStage: progress.startStage,
    ask,
    undo: compensations(ask, { assignee: settings.hrEmail, waitingOn: 'HR' }),
    heard: {},
    steps: stepsUnderway(),
  };
}

/** One hire's run: the new employee, the process's settings, and the helpers every phase uses. */
export interface Hire {
  hire: NewHire;
  settings: HireToOnboardSettings;
  employeeNumber: string;
  /** Moves the run to a step, waiting on a team; its open tasks are published with it (see `RunProgress.startStage`). */
  startStage: (step: string, waitingOn?: string) => void;
  ask: Ask;
  undo: ReturnType<typeof compensations>;
  /** What the run has heard: the offer rescinded, the equipment delivered. */
  heard: { rescinded?: string; deliveryId?: string };
  steps: ReturnType<typeof stepsUnderway>;
}

/**
 * The steps under way, so that a rescission undoes only once each has finished or let go: otherwise a step still
 * running could create what its undo had already looked for.
 */
export function stepsUnderway() {
  const underway = new Set<Promise<unknown>>();
  const track = <T>(step: Promise<T>): Promise<T> => {
    underway.add(step);
    const done = () => void underway.delete(step);
    step.then(done, done);
    return step;
  };
  return {
    /** A robot's step, which lets go of its portal when the run is cancelled (see the `robot` retry profile). */
    track,
    /** A step that, once begun, is finished even if the offer is rescinded meanwhile, so its undo is recorded. */
    uninterrupted: <T>(step: () => Promise<T>): Promise<T> => track(CancellationScope.nonCancellable(step)),
    async settled(): Promise<void> {
      while (underway.size > 0) await Promise.allSettled([...underway]);
    },
  };
}
