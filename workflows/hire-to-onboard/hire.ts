import { CancellationScope } from '@temporalio/workflow';
import type { HireToOnboardSettings, NewHire } from '../../contracts/hire';
import type { compensations } from '../compensation';
import type { Ask } from '../human-tasks';

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
