import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/**
 * `officeflow up --only worker` (or `--only intake`, or all of the engine) as a process of its own, and a process group
 * of its own, as production runs it. Resolves once it runs; `env` points it at running infrastructure.
 * Its log (JSON lines at `logLevel`) goes straight to `logFile` when one is given: a process logs synchronously, so a
 * log read through a pipe by this (busy) process would stall it whenever the pipe is full.
 */
export async function startWorkerProcess(
  env: NodeJS.ProcessEnv,
  {
    logFile,
    logLevel = 'info',
    only = 'worker',
  }: { logFile?: string; logLevel?: 'info' | 'debug'; only?: 'worker' | 'intake' | 'all' } = {},
): Promise<ChildProcess> {
  const logged = logFile ? openSync(logFile, 'a') : undefined;
  const loggedFrom = logFile ? statSync(logFile).size : 0;
  const worker = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'up', ...(only === 'all' ? [] : ['--only', only])], {
    cwd: root,
    detached: true,
    // Several run side by side: none serves metrics unless told where.
    env: { METRICS_PORT: '0', ...env, LOG_LEVEL: logLevel },
    stdio: ['ignore', logged ?? 'pipe', 'inherit'],
  });
  if (logged !== undefined) closeSync(logged);
  const running = (log: string) => log.includes('officeflow is running');
  let watch: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve, reject) => {
    if (logFile) watch = setInterval(() => running(readFileSync(logFile).subarray(loggedFrom).toString()) && resolve(), 100);
    worker.stdout?.on('data', (chunk: Buffer) => running(chunk.toString()) && resolve());
    worker.once('exit', (code) => reject(new Error(`worker exited with ${code} before it polled`)));
  }).finally(() => clearInterval(watch));
  return worker;
}

/** Stops a worker process, at once with SIGKILL or cleanly with SIGTERM; its Chromium, on a pipe to it, exits with it. */
export async function stopWorkerProcess(worker: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (worker.exitCode !== null || worker.signalCode !== null) return;
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  process.kill(-worker.pid!, signal);
  await exited;
}
