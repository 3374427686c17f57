import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/**
 * `officeflow up --only worker` as a process of its own, and a process group of its own with its Chromium, as
 * production runs it beside the intake. Resolves once its workers poll; `env` points it at running infrastructure.
 */
export async function startWorkerProcess(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const worker = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'up', '--only', 'worker'], {
    cwd: root,
    detached: true,
    env: { ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    worker.once('exit', (code) => reject(new Error(`worker exited with ${code} before it polled`)));
    worker.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('workers polling')) resolve();
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
