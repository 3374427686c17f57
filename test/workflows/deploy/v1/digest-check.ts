import { type CheckInput, finishedOn } from '../finish';

/** A short process of the deploy test, as build v1 has it: its runs move to the current build at their next step. */
export async function digestCheck(_input: CheckInput): Promise<string> {
  return finishedOn('v1');
}
