import { mkdirSync, readdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import {
  type NativeConnection,
  Worker,
  bundleWorkflowCode,
  type WorkflowBundleOption,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { Logger } from 'pino';
import { connectSystems } from '../activities';
import { FAILURE_CONVERTER_PATH, dataConverter } from '../codec/data-converter';
import { type Config, publicUrl } from '../config';
import { decisionLinks } from '../codec/decision-links';
import { createPool } from '../db/pool';
import { processes, taskQueuesOf } from '../definitions';
import type { ProcessDefinition } from '../definitions/define';
import { browserPool } from '../infra/browser';
import { robotTaskQueue } from '../workflows/robots';
import { activityLogging } from './activity-logging';
import { deploymentOptions, firstBuildBecomesCurrent } from './deployment';
import { processLogSinks } from './process-log';
import { systemAttempts } from './system-attempts';
import { sharingWorkflowThreads } from './shared-workflow-threads';
import { systemPauseGate } from './system-pauses';

export interface WorkerOptions {
  connection: NativeConnection;
  config: Config;
  registry: ProcessDefinition[];
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

/** Where a process's workflow lives: `workflows/<process name>` (a file, or a folder with its index). */
export const workflowModule = (process: Pick<ProcessDefinition, 'name'>, workflowsDir = WORKFLOWS_DIR): string =>
  path.join(workflowsDir, process.name);

const WORKFLOWS_DIR = path.join(__dirname, '../workflows');

/**
 * Modules every cached run shares instead of evaluating a copy of its own (the SDK's `preloadModules`, with its reused
 * V8 context): the libraries the workflows use and officeflow's contracts, which hold no state of any run (types,
 * schemas, pure helpers; the room may import nothing else). Each cached run held its own zod schemas before: about
 * 2 MB a run, 0.1 MB now (docs/performance.md).
 */
const CONTRACTS_DIR = path.join(__dirname, '../contracts');
const SHARED_MODULES = ['zod', 'jsvat', 'ibantools', ...readdirSync(CONTRACTS_DIR).map((file) => path.join(CONTRACTS_DIR, file))];

/**
 * Bundles the workflows of every process in the registry once (webpack); every worker of the process shares the
 * bundle. Its entry is made from the registry, so a process added there is in the bundle without a second list.
 */
export async function bundleWorkflows(
  registry: ProcessDefinition[] = processes,
  /** Where the workflows live: a folder of `<process name>` files or folders (tests bundle a build of their own). */
  workflowsDir = WORKFLOWS_DIR,
): Promise<WorkflowBundleWithSourceMap> {
  // Inside the project, so the bundler resolves the SDK's modules from the entry as from any workflow file.
  // (Its real path: the bundler keeps the entry under the path it resolves to.)
  const cache = path.join(realpathSync(path.join(__dirname, '../node_modules')), '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(path.join(cache, 'officeflow-workflows-'));
  const entry = path.join(dir, 'index.ts');
  // Each workflow with its versioning behavior, as its process declares it, where its worker is versioned (Temporal
  // refuses a behavior from an unversioned worker, and the bundle serves both).
  writeFileSync(
    entry,
    [
      `import { setWorkflowOptions, workflowInfo } from '@temporalio/workflow';`,
      ...registry.flatMap((process) => {
        const workflow = process.workflow.name;
        const behavior = process.versioning === 'auto-upgrade' ? 'AUTO_UPGRADE' : 'PINNED';
        return [
          `import { ${workflow} } from ${JSON.stringify(workflowModule(process, workflowsDir))};`,
          `setWorkflowOptions(() => (workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior: '${behavior}' } : {}), ${workflow});`,
          `export { ${workflow} };`,
        ];
      }),
    ].join('\n'),
  );
  try {
    return await bundleWorkflowCode({
      workflowsPath: entry,
      workflowInterceptorModules: [require.resolve('../workflows/activity-summaries'), require.resolve('../workflows/run-metrics')],
      failureConverterPath: FAILURE_CONVERTER_PATH,
      preloadModules: SHARED_MODULES,
      logger: quietBundler,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Starts one worker per task queue the processes use, and one on the robot queue that takes no more robots at once
 * than the browser pool has pages; all share one database pool, browser pool and the systems' clients.
 */
export async function startWorkers({ connection, config, registry, log, workflowBundle }: WorkerOptions): Promise<RunningWorkers> {
  // Before the workflow threads start: V8 reads it when it sets a heap's next limit after a collection. Unlike a
  // maximum heap size it never stops a heap from holding what it must (no out-of-memory), it only bounds the garbage.
  if (config.WORKER_HEAP_GROWTH_PERCENT > 0) v8.setFlagsFromString(`--heap-growing-percent=${config.WORKER_HEAP_GROWTH_PERCENT}`);
  const browser = browserPool(config);
  const taskQueues = taskQueuesOf(registry);
  // A connection for every activity that may run at once (an e-mail holds its row locked while SMTP takes it): an
  // activity never waits for one while its timeout runs.
  const pool = createPool(config.DATABASE_URL!, log, taskQueues.length * config.WORKER_ACTIVITY_SLOTS + browser.size);
  const links = decisionLinks(config.OFFICEFLOW_ENCRYPTION_KEY!, publicUrl(config));
  const systems = connectSystems(config, {
    pool,
    browser,
    decisionLinks: links,
    publicUrl: publicUrl(config),
    engine: config.TASK_QUEUE_SUFFIX,
    log,
  });
  const bundle = workflowBundle ?? (config.WORKFLOW_BUNDLE ? { codePath: config.WORKFLOW_BUNDLE } : await bundleWorkflows());
  const robotQueues = [...new Set(taskQueues.map(robotTaskQueue))];
  const common = {
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: dataConverter(config.OFFICEFLOW_ENCRYPTION_KEY!),
    ...deploymentOptions(config),
    interceptors: {
      // In this order: an attempt held by a paused system is logged, and neither failed nor retried.
      activity: [
        activityLogging(log, registry, systems.systemOf),
        systemPauseGate(pool, config.TASK_QUEUE_SUFFIX, systems.systemOf, log),
        systemAttempts(pool, registry, systems.systemOf, log),
      ],
    },
  };
  const WorkflowWorker = sharingWorkflowThreads();
  const workers = await Promise.all([
    ...taskQueues.map((taskQueue) =>
      WorkflowWorker.create({
        ...common,
        taskQueue,
        workflowBundle: bundle,
        sinks: processLogSinks(pool, registry, log),
        maxCachedWorkflows: config.WORKER_CACHED_WORKFLOWS,
        workflowThreadPoolSize: config.WORKER_WORKFLOW_THREADS,
        activities: systems.activities,
        maxConcurrentActivityTaskExecutions: config.WORKER_ACTIVITY_SLOTS,
      }),
    ),
    ...robotQueues.map((taskQueue) =>
      Worker.create({ ...common, taskQueue, activities: systems.robots, maxConcurrentActivityTaskExecutions: browser.size }),
    ),
  ]);
  log.info({ taskQueues, robotQueues, browserPages: browser.size }, 'workers polling');
  const done = Promise.all(workers.map((worker) => worker.run())).then(async () => {
    await browser.close();
    await systems.close();
    await pool.end();
  });
  await firstBuildBecomesCurrent(connection, config, log).catch(async (error: unknown) => {
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
    await done;
    throw error;
  });
  return {
    done,
    async shutdown() {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
