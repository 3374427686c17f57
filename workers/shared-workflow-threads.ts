import { Worker } from '@temporalio/worker';
import type { WorkflowCreator } from '@temporalio/worker/lib/workflow/interface';

/**
 * A `Worker` class whose workers, one per task queue, run their workflows in one pool of workflow threads instead of a
 * pool each. The SDK gives every `Worker` threads of its own, and each thread is a V8 isolate holding the SDK's protocol
 * definitions and the whole workflow bundle, about 60 MB before it runs anything: nine task queues cost 0.5 GB of an
 * idle worker's 0.75 GB (docs/performance.md). A run's activations go to the thread it was created on, whatever its task
 * queue, so the threads can be shared; the pool is destroyed when the last worker using it has stopped.
 */
export function sharingWorkflowThreads(): typeof Worker {
  let pool: Promise<WorkflowCreator> | undefined;
  let users = 0;
  return class SharingWorkflowThreads extends Worker {
    protected static override async createWorkflowCreator(
      ...args: Parameters<typeof Worker.createWorkflowCreator>
    ): Promise<WorkflowCreator> {
      pool ??= super.createWorkflowCreator(...args);
      const threads = await pool;
      users++;
      let stopped = false;
      return {
        createWorkflow: (options) => threads.createWorkflow(options),
        async destroy() {
          if (stopped) return;
          stopped = true;
          if (--users > 0) return;
          pool = undefined;
          await threads.destroy();
        },
      };
    }
  };
}
