import { type NativeConnection, Worker, bundleWorkflowCode, type WorkflowBundleOption, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import { createActivities } from '../activities';
import type { LegacyErpAccess } from '../activities/legacy-erp/robot';
import { dataConverter } from '../codec/data-converter';
import { createPool } from '../db/pool';
import type { ProcessDefinition } from '../definitions/define';
import { BrowserPool } from '../infra/browser';

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  registry: ProcessDefinition[];
  databaseUrl: string;
  smtpUrl: string;
  mailFrom: string;
  chromePath: string;
  crmUrl: string;
  legacyErp: LegacyErpAccess;
  encryptionKeys: string;
  log: Logger;
  /** A bundle made earlier with `bundleWorkflows()`; saves the bundling on every start. */
  workflowBundle?: WorkflowBundleOption;
}

export interface RunningWorkers {
  /** Resolves when every worker has stopped; rejects if one fails. */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

// webpack's statistics are noise to a person starting the engine; its warnings and errors are not.
const noop = () => undefined;
const quietBundler = { trace: noop, debug: noop, info: noop, log: noop, warn: console.warn, error: console.error };

/** Bundles the workflows once (webpack); every worker of the process shares the bundle. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: quietBundler });
}

/** Starts one worker per task queue the processes use, sharing one database pool, mail transport and browser. */
export async function startWorkers(options: WorkerOptions): Promise<RunningWorkers> {
  const pool = createPool(options.databaseUrl);
  const browser = new BrowserPool(options.chromePath);
  const transport = nodemailer.createTransport(options.smtpUrl);
  const activities = createActivities({ pool, browser, mail: { transport, from: options.mailFrom }, crmUrl: options.crmUrl, legacyErp: options.legacyErp });
  const workflowBundle = options.workflowBundle ?? (await bundleWorkflows());
  const taskQueues = [...new Set(options.registry.map((process) => process.taskQueue))];
  const workers = await Promise.all(
    taskQueues.map((taskQueue) =>
      Worker.create({
        connection: options.connection,
        namespace: options.namespace,
        taskQueue,
        workflowBundle,
        activities,
        dataConverter: dataConverter(options.encryptionKeys),
      }),
    ),
  );
  options.log.info({ taskQueues }, 'workers polling');
  const done = Promise.all(workers.map((worker) => worker.run())).then(async () => {
    await browser.close();
    transport.close();
    await pool.end();
  });
  return {
    done,
    async shutdown() {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
