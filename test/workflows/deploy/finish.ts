import { condition, defineSignal, setHandler } from '@temporalio/workflow';

/** Ends a run of the deploy test's processes. */
export const finish = defineSignal('finish');

/** Waits until told to finish, and answers which build ran its last step. */
export async function finishedOn(build: string): Promise<string> {
  let finished = false;
  setHandler(finish, () => void (finished = true));
  await condition(() => finished);
  return build;
}

/** A run's input: the process's settings only, as every process gets them. */
export interface CheckInput {
  settings: object;
}
