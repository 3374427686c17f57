import type { Context as ActivityContext } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { ProcessDefinition } from '../definitions/define';

/** The business key in a run's workflow id: every process names its runs `<process>-<key>`. */
export function businessKeyOf(workflowId: string, registry: ProcessDefinition[]): string | undefined {
  const process = registry.find((p) => workflowId.startsWith(`${p.name}-`));
  return process && workflowId.slice(process.name.length + 1);
}

/**
 * Logs every activity attempt with the run it belongs to (workflow id, run id, business key), the step and the
 * attempt: done at debug level with its time, failed at warn with the failure's message. Never its arguments or
 * result, which may hold personal data.
 */
export const activityLogging =
  (log: Logger, registry: ProcessDefinition[]): ActivityInterceptorsFactory =>
  (ctx: ActivityContext) => ({
    inbound: {
      async execute(input, next) {
        const { workflowExecution, activityType, attempt } = ctx.info;
        const workflowId = workflowExecution?.workflowId ?? '';
        const run = log.child({
          workflowId,
          runId: workflowExecution?.runId,
          businessKey: businessKeyOf(workflowId, registry),
          activity: activityType,
          attempt,
        });
        const started = performance.now();
        try {
          const result = await next(input);
          run.debug({ ms: Math.round(performance.now() - started) }, 'activity done');
          return result;
        } catch (error) {
          run.warn({ ms: Math.round(performance.now() - started), error: (error as Error).message }, 'activity failed');
          throw error;
        }
      },
    },
  });
