import { proxyActivities } from '@temporalio/workflow';
import { compensations } from '../../workflows/compensation';
import { humanTasks } from '../../workflows/human-tasks';
import { trackProgress } from '../../workflows/progress';

export interface UndoActivities {
  undoStep(step: string): Promise<void>;
  failToUndo(step: string): Promise<void>;
}

const { undoStep, failToUndo } = proxyActivities<UndoActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '100 milliseconds' },
});

/** Three steps taken, then undone: the middle undo fails for good. Returns what could not be undone. */
export async function undoThreeSteps(owner: string): Promise<string[]> {
  const undo = compensations(humanTasks(trackProgress('undoing')), { assignee: owner, waitingOn: 'Operations' });
  undo.add('release the stock', () => undoStep('release the stock'));
  undo.add('cancel the order in the portal', () => failToUndo('cancel the order in the portal'));
  undo.add('cancel the sales order', () => undoStep('cancel the sales order'));
  return undo.undoAll('the test order');
}
