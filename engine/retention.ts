import { msToNumber } from '@temporalio/common/lib/time';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { whileHoldingLock } from '../db/session-lock';
import { activityQueuesOf } from '../definitions';
import type { ProcessDefinition } from '../definitions/define';
import { repeatEvery } from '../infra/repeat';
import { forgetEndedRuns } from '../insights/retention';

/** How often the intake looks for runs the event log no longer keeps. */
const EVERY_MS = 60 * 60 * 1000;

/** The event log keeps a run `EVENT_LOG_KEEP` after it ended; the intake forgets older ones every hour, one at a time. */
export function startEventLogRetention(config: Config, pool: Pool, registry: ProcessDefinition[], log: Logger) {
  const queues = activityQueuesOf(registry);
  const keepMs = msToNumber(config.EVENT_LOG_KEEP);
  return repeatEvery(
    EVERY_MS,
    async () =>
      void (await whileHoldingLock(pool, `event-log-retention:${config.TASK_QUEUE_SUFFIX}`, async () => {
        const forgotten = await forgetEndedRuns(pool, keepMs, queues);
        if (forgotten > 0) log.info({ runs: forgotten, keep: config.EVENT_LOG_KEEP }, 'the event log forgot runs that ended long ago');
      })),
    (error) => log.warn({ err: error }, 'the event log was not trimmed; trying again in an hour'),
  );
}
