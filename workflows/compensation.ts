import { TemporalFailure, upsertMemo } from '@temporalio/workflow';
import type { Ask } from './human-tasks';

interface UndoStep {
  step: string;
  undo: () => Promise<unknown>;
}

/** Who finishes by hand what could not be undone. */
export interface UndoOwner {
  assignee: string;
  waitingOn: string;
}

const reason = (failure: TemporalFailure): string => failure.cause?.message ?? failure.message;

/**
 * Undo steps for one run (a saga): `add` an undo after each step succeeds; `undoAll` runs them newest first, each in
 * its own try, so one that fails for good does not keep the others from running. What could not be undone is
 * recorded in the run's memo (`undoFailed`) and handed to a person as a task; the run waits until they confirm it
 * is done.
 */
export function compensations(ask: Ask, owner: UndoOwner) {
  const steps: UndoStep[] = [];
  return {
    add(step: string, undo: () => Promise<unknown>): void {
      steps.push({ step, undo });
    },

    /** Undoes every step taken so far, newest first; returns what could not be undone. */
    async undoAll(what: string): Promise<string[]> {
      const failures: string[] = [];
      for (const { step, undo } of steps.splice(0).reverse()) {
        try {
          await undo();
        } catch (error) {
          if (!(error instanceof TemporalFailure)) throw error;
          failures.push(`${step}: ${reason(error)}`);
        }
      }
      if (failures.length > 0) {
        upsertMemo({ undoFailed: failures });
        await ask({
          name: 'undo-by-hand',
          title: `Finish undoing ${what} by hand`,
          details: `officeflow could not undo these steps:\n${failures.map((failure) => `- ${failure}`).join('\n')}\n\nApprove once they are done.`,
          assignee: owner.assignee,
          waitingOn: owner.waitingOn,
        });
      }
      return failures;
    },
  };
}
