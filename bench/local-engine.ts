import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { mailboxUrl } from '../activities/mail';
import { type Engine, startEngine } from '../engine';
import { type Infrastructure, startInfrastructure } from '../engine/local';
import { localPort } from '../infra/ports';
import { freshStateDir, localEngineEnv } from '../test/support/local-env';
import { startWorkerProcess, stopWorkerProcess } from '../test/support/worker-process';
import { bundleWorkflows } from '../workers/worker';
import type { BurstTarget } from './burst';

/** A fresh local engine laid out as deployed: infrastructure, worker processes of their own, the intake here. */
export interface BenchEngine {
  stateDir: string;
  infra: Infrastructure;
  intake: Engine;
  target: BurstTarget;
  /** The environment a worker or intake process needs to join this engine. */
  workerEnv: NodeJS.ProcessEnv;
  /** The worker processes running now. */
  workers: ChildProcess[];
  /** Starts one more worker process on the same task queues. */
  addWorker(): Promise<void>;
  /** Stops the last worker process cleanly (SIGTERM): the runs it cached go on on the others. */
  removeWorker(): Promise<void>;
  /** Kills worker process `index` (SIGKILL: nothing cleans up) and starts a new one in its place. */
  killWorker(index: number, downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface BenchEngineOptions {
  /** Worker processes to start. */
  workers?: number;
  prefix?: string;
  /** When the hires' first day begins, after the start. */
  firstDayInMs?: number;
  /** Settings of the stand-ins and workers beyond the defaults, e.g. the portals' slowness or `BROWSER_PAGES`. */
  settings?: Record<string, string>;
  /** The workers' log level: debug logs each robot step's duration. Each worker's log is `worker-<n>.log` in the state folder. */
  workerLogLevel?: 'info' | 'debug';
  /** A Temporal cluster to run on (`startLocalCluster`'s settings) instead of a dev server of the engine's own. */
  cluster?: Record<string, string>;
  /** Processes' settings over their own (and the hires' first day), by process. */
  processSettings?: Record<string, object>;
}

/**
 * Starts a local engine in a fresh state folder, with the stand-in portals as slow as the real ones (unless `settings`
 * say otherwise), `workers` worker processes (started from one workflow bundle), and the intake in this process beside
 * the driver. The hires' first day begins `firstDayInMs` after the start (a minute), so their welcome e-mail and the
 * manager's tasks fall inside the run.
 */
export async function startBenchEngine(
  log: Logger,
  {
    workers = 1,
    prefix = 'officeflow-bench-',
    firstDayInMs = 60_000,
    settings = {},
    workerLogLevel = 'info',
    cluster = {},
    processSettings = {},
  }: BenchEngineOptions = {},
): Promise<BenchEngine> {
  const stateDir = freshStateDir(prefix);
  // The intake's port is known before the workers start: their links and callbacks (e-signature) point at it.
  const env = { ...localEngineEnv(stateDir, settings), ...cluster, INTAKE_PORT: String(await localPort(0, 'INTAKE_PORT')) };
  const bundle = path.join(stateDir, 'workflow-bundle.js');
  const [infra] = await Promise.all([startInfrastructure(env, log), bundleWorkflows().then(({ code }) => writeFileSync(bundle, code))]);
  const workerEnv = { ...env, ...infra.settings, WORKFLOW_BUNDLE: bundle };
  let started = 0;
  const startWorker = () =>
    startWorkerProcess(workerEnv, { logLevel: workerLogLevel, logFile: path.join(stateDir, `worker-${++started}.log`) });
  const processes: ChildProcess[] = [];
  try {
    for (let i = 0; i < workers; i++) processes.push(await startWorker());
    const today = new Date().toISOString().slice(0, 10);
    const intake = await startEngine(infra.config, {
      log,
      only: 'intake',
      processSettings: {
        ...processSettings,
        'hire-to-onboard': {
          firstDayBegins: Date.now() - Date.parse(today) + firstDayInMs,
          welcomeBeforeStart: '50s',
          equipmentDeadline: '30s',
          managerTaskDeadline: '30s',
          managerTaskReminder: '15s',
          ...processSettings['hire-to-onboard'],
        },
      },
    });
    return {
      stateDir,
      infra,
      intake,
      target: {
        client: intake.client!,
        pool: intake.pool!,
        intakeUrl: intake.intakeUrl!,
        config: infra.config,
        mailboxUrl: mailboxUrl(infra.config),
      },
      workerEnv,
      workers: processes,
      async addWorker() {
        processes.push(await startWorker());
      },
      async removeWorker() {
        const last = processes.pop();
        if (last) await stopWorkerProcess(last);
      },
      async killWorker(index, downMs = 0) {
        await stopWorkerProcess(processes[index], 'SIGKILL');
        await new Promise((resolve) => setTimeout(resolve, downMs));
        processes[index] = await startWorker();
      },
      async stop() {
        await intake.stop();
        await Promise.all(processes.map((worker) => stopWorkerProcess(worker)));
        await infra.stop();
      },
    };
  } catch (error) {
    await Promise.all(processes.map((worker) => stopWorkerProcess(worker, 'SIGKILL')));
    await infra.stop();
    throw error;
  }
}
