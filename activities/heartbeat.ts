import { setTimeout } from 'node:timers/promises';
import { asyncLocalStorage } from '@temporalio/activity';

/**
 * Runs a step while it heartbeats every two seconds, so a worker that dies mid-step (killed, its machine gone) is
 * noticed within the step's heartbeat timeout and the step retried on another, not only when its whole start-to-close
 * timeout has passed. Temporal only notices a lost attempt by its timeouts ("Activity Heartbeats", docs.temporal.io:
 * a long-running activity should heartbeat); the SDK sends at most one beat per 80 % of the heartbeat timeout.
 * Each beat carries `details()`, which the UI shows on the pending step (where a robot is).
 * Outside an activity (the engine's own alerts and sign-in links go through the same outbox) there is nobody to beat to.
 */
export async function whileBeating<T>(step: () => Promise<T>, details: () => unknown = () => undefined): Promise<T> {
  const activity = asyncLocalStorage.getStore();
  if (!activity) return step();
  const beat = setInterval(() => activity.heartbeat(details()), 2000);
  try {
    return await step();
  } finally {
    clearInterval(beat);
  }
}

/** Waits `ms`; inside an activity, ends early with a failure when the attempt is cancelled. */
export const pause = (ms: number): Promise<void> => asyncLocalStorage.getStore()?.sleep(ms) ?? setTimeout(ms);
