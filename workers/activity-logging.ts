import type { Context as ActivityContext } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Logger } from 'pino';
import { processOfRun } from '../definitions';
import type { ProcessDefinition } from '../definitions/define';
import { stepSummary } from '../workflows/activity-summaries';

/** The business key in a run's workflow id: every process names its runs `<process>-<key>`. */
export function businessKeyOf(workflowId: string, registry: ProcessDefinition[]): string | undefined {
  const process = processOfRun(workflowId, registry);
  return process && workflowId.slice(process.length + 1);
}

/**
 * Logs every activity attempt with the run it belongs to (workflow id, run id, business key), the step and the
 * attempt: started and done at debug level (done with its time), failed at warn with the failure's type. Never its
 * arguments, its result or its failure's message, which may hold personal data (`officeflow status` and the UI show
 * the message, decrypted). A failure's message is prefixed with the system and the step in business
 * words ("crm: Move CRM deal D-2001 to shipped: …"), so whoever reads it in the UI or `officeflow status` knows where
 * to look; a robot's names its screenshot itself.
 */
export const activityLogging =
  (log: Logger, registry: ProcessDefinition[], systemOf: Record<string, string>): ActivityInterceptorsFactory =>
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
        // With "done" or "failed" below: an attempt that timed out without either tells a hang from a lost task.
        run.debug('activity started');
        try {
          const result = await next(input);
          run.debug({ ms: Math.round(performance.now() - started) }, 'activity done');
          return result;
        } catch (error) {
          const where = [systemOf[activityType], stepSummary(activityType, input.args)].filter(Boolean).join(': ');
          if (error instanceof Error && where && !error.message.startsWith(where)) error.message = `${where}: ${error.message}`;
          // Not the message: it may quote a portal's or vendor's answer, personal data kept encrypted in the run's history.
          run.warn({ ms: Math.round(performance.now() - started), step: where, errorType: failureType(error) }, 'activity failed');
          throw error;
        }
      },
    },
  });

/** What kind of failure it was, without what it says: an ApplicationFailure's type, or the error's class. */
const failureType = (error: unknown): string => (error as { type?: string }).type ?? (error instanceof Error ? error.name : typeof error);
