import type { Context as ActivityContext } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { processOfRun } from '../definitions';
import type { ProcessDefinition } from '../definitions/define';

/**
 * Counts each failed activity attempt and each retry by the system it talks to (`system_attempts`, per minute), for
 * the process insights. Not awaited: a count lost to a database away costs an attempt nothing.
 */
export const systemAttempts =
  (pool: Pool, registry: ProcessDefinition[], systemOf: Record<string, string>, log: Logger): ActivityInterceptorsFactory =>
  (ctx: ActivityContext) => ({
    inbound: {
      async execute(input, next) {
        const { workflowExecution, activityType, attempt, taskQueue } = ctx.info;
        const system = systemOf[activityType];
        const count = (failed: number, retried: number) => {
          if (!system || (failed === 0 && retried === 0)) return;
          const process = processOfRun(workflowExecution?.workflowId ?? '', registry) ?? ctx.info.workflowType;
          pool
            .query(
              `INSERT INTO system_attempts (task_queue, process, system, minute, failed, retried)
               VALUES ($1, $2, $3, date_trunc('minute', now()), $4, $5)
               ON CONFLICT (task_queue, process, system, minute)
               DO UPDATE SET failed = system_attempts.failed + $4, retried = system_attempts.retried + $5`,
              [taskQueue, process, system, failed, retried],
            )
            .catch((error: unknown) => log.warn({ err: error }, 'an attempt was not counted'));
        };
        const retried = attempt > 1 ? 1 : 0;
        try {
          const result = await next(input);
          count(0, retried);
          return result;
        } catch (error) {
          count(1, retried);
          throw error;
        }
      },
    },
  });
