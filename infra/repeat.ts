/**
 * Runs `work` again and again, `everyMs` after each run ends, until stopped: a background chore of the engine (letting
 * held activities go, looking for incidents). A failed run is reported and the chore goes on; `kick` runs it now.
 */
export function repeatEvery(everyMs: number, work: () => Promise<void>, failed: (error: unknown) => void) {
  let stopped = false;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (!stopped) {
      await work().catch(failed);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, everyMs).unref();
      });
    }
  })();
  return {
    kick: () => wake?.(),
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
