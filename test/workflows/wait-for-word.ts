import { condition, defineSignal, setHandler } from '@temporalio/workflow';

export const sayWord = defineSignal<[string]>('sayWord');

/** Waits, cached in its worker, until it is told a word; returns it. */
export async function waitForWord(): Promise<string> {
  let word: string | undefined;
  setHandler(sayWord, (said) => void (word = said));
  await condition(() => word !== undefined);
  return word!;
}
