import { Context } from '@temporalio/activity';

/**
 * Runs a step while it heartbeats every two seconds, so a worker that dies mid-step (killed, its machine gone) is
 * noticed within the step's heartbeat timeout and the step retried on another, not only when its whole start-to-close
 * timeout has passed. Temporal only notices a lost attempt by its timeouts ("Activity Heartbeats", docs.temporal.io:
 * a long-running activity should heartbeat); the SDK sends at most one beat per 80 % of the heartbeat timeout.
 * Each beat carries `details()`, which the UI shows on the pending step (where a robot is).
 */
export async function whileBeating<T>(step: () => Promise<T>, details: () => unknown = () => undefined): Promise<T> {
  const beat = setInterval(() => Context.current().heartbeat(details()), 2000);
  try {
    return await step();
  } finally {
    clearInterval(beat);
  }
}
