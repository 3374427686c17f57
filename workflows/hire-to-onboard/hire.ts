import { CancellationScope } from '@temporalio/workflow';
import type { HireToOnboardSettings, NewHire } from '../../contracts/hire';
import type { compensations } from '../compensation';
import type { Ask } from '../human-task';

/** One hire's run: the new employee, the process's settings, and the helpers every phase uses. */
export interface Hire {
  hire: NewHire;
  settings: HireToOnboardSettings;
  employeeNumber: string;
  /** Moves the run to a step, waiting on a team; its open tasks are published with it (see `taskBoard`). */
  startStage: (step: string, waitingOn?: string) => void;
  ask: Ask;
  undo: ReturnType<typeof compensations>;
  /** What the run has heard: the offer rescinded, the equipment delivered. */
  heard: { rescinded?: string; deliveryId?: string };
}

/**
 * A step that, once begun, is finished even if the offer is rescinded meanwhile: the rescission takes effect
 * between steps and while the run waits, so every step that happened has its undo recorded.
 */
export const wholeStep = <T>(step: () => Promise<T>): Promise<T> => CancellationScope.nonCancellable(step);
