import { ActivityCancellationType, type ActivityOptions } from '@temporalio/workflow';

/**
 * How long each kind of step may take and how it is retried: one set for every process, so a process owner picks
 * a kind of step, not numbers.
 */

/**
 * A write to the back office's database or a call to a connected system's API: retried until it goes through. Such a
 * step takes milliseconds (5 s at the most under `npm run bench`'s bursts), and its timeout is what recovers a task
 * Temporal lost on its way to a worker, so it is short: a lost task is attempted again after 15 seconds.
 */
export const quickStep: ActivityOptions = { startToCloseTimeout: '15 seconds', retry: { maximumInterval: '30 seconds' } };

/**
 * The steps below may take minutes, so they heartbeat (`whileBeating`): a worker that dies mid-step is noticed within
 * ten seconds and the step retried on another, where their start-to-close timeout alone would hold the run for minutes.
 */
const aliveWithin = '10 seconds';

/** A document printed to PDF in the worker's Chromium: it may wait for a free page while robots hold the pool's pages. */
export const printing: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: aliveWithin,
  retry: { maximumInterval: '30 seconds' },
};

/** E-mail through the outbox: the SMTP relay may be down for a while; the outbox sends each message once. */
export const mail: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: aliveWithin,
  retry: { maximumInterval: '1 minute' },
};

/**
 * A browser robot on a slow legacy portal, heartbeating as it goes; a portal that keeps failing is given up on after
 * ten attempts, so a person hears of it. A run that stops waiting (a rescinded offer) waits until the robot has let go
 * of the portal, so its undo never races the robot.
 */
export const robot: ActivityOptions = {
  startToCloseTimeout: '3 minutes',
  heartbeatTimeout: aliveWithin,
  retry: { maximumInterval: '1 minute', maximumAttempts: 10 },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
};
