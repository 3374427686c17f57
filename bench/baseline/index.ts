import { spawn } from 'node:child_process';
import path from 'node:path';
import { Client } from '@temporalio/client';
import Bottleneck from 'bottleneck';
import { stopWorkerProcess } from '../../test/support/worker-process';
import { type CpuSeconds, cpuSeconds, cpuUsedBetween } from '../cpu';

export interface BaselineReport {
  workflows: number;
  steps: number;
  concurrency: number;
  seconds: number;
  /** Completed workflows a second. */
  runsPerSecond: number;
  /** CPU seconds each part spent on them. */
  cpu: CpuSeconds;
}

/**
 * Bare Temporal on the same server, measured in the same session as officeflow: `workflows` workflows of `steps`
 * no-op activities, `concurrency` at a time, on a worker process of its own with the SDK's defaults.
 */
export async function measureBaseline(
  officeflowClient: Client,
  address: string,
  { workflows = 200, steps = 16, concurrency = 16 } = {},
): Promise<BaselineReport> {
  // Bare: the SDK's default payloads, where officeflow's client encrypts them.
  const client = new Client({ connection: officeflowClient.connection, namespace: officeflowClient.options.namespace });
  const taskQueue = `bench-baseline-${Date.now()}`;
  const worker = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'worker.ts'), address, client.options.namespace, taskQueue],
    { detached: true, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      worker.once('exit', (code) => reject(new Error(`the baseline worker exited with ${code}`)));
      worker.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('polling') && resolve());
    });
    const limiter = new Bottleneck({ maxConcurrent: concurrency });
    const names = new Map([
      [worker.pid!, 'worker'],
      [process.pid, 'intake + driver'],
    ]);
    const before = cpuSeconds(names);
    const started = Date.now();
    await Promise.all(
      Array.from({ length: workflows }, (_, i) =>
        limiter.schedule(() => client.workflow.execute('noopSteps', { taskQueue, workflowId: `${taskQueue}-${i}`, args: [steps] })),
      ),
    );
    const seconds = (Date.now() - started) / 1000;
    return { workflows, steps, concurrency, seconds, runsPerSecond: workflows / seconds, cpu: cpuUsedBetween(before, cpuSeconds(names)) };
  } finally {
    await stopWorkerProcess(worker);
  }
}
