import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/**
 * `officeflow up --only worker` (or `--only intake`, or all of the engine) as a process of its own, and a process group
 * of its own with its Chromium, as production runs it. Resolves once it runs; `env` points it at running infrastructure. Its log (JSON
 * lines at `logLevel`) is appended to `logFile` when one is given.
 */
export async function startWorkerProcess(
  env: NodeJS.ProcessEnv,
  {
    logFile,
    logLevel = 'info',
    only = 'worker',
  }: { logFile?: string; logLevel?: 'info' | 'debug'; only?: 'worker' | 'intake' | 'all' } = {},
): Promise<ChildProcess> {
  const worker = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'up', ...(only === 'all' ? [] : ['--only', only])], {
    cwd: root,
    detached: true,
    // Several run side by side: none serves metrics unless told where.
    env: { METRICS_PORT: '0', ...env, LOG_LEVEL: logLevel },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (logFile) worker.stdout!.pipe(createWriteStream(logFile, { flags: 'a' }));
  await new Promise<void>((resolve, reject) => {
    worker.once('exit', (code) => reject(new Error(`worker exited with ${code} before it polled`)));
    worker.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('officeflow is running')) resolve();
    });
  });
  return worker;
}

/** Stops a worker process and its Chromium, at once with SIGKILL or cleanly with SIGTERM. */
export async function stopWorkerProcess(worker: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (worker.exitCode !== null || worker.signalCode !== null) return;
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  process.kill(-worker.pid!, signal);
  await exited;
}
