import { spawn } from 'node:child_process';
import path from 'node:path';
import { Client } from '@temporalio/client';
import Bottleneck from 'bottleneck';
import { stopWorkerProcess } from '../../test/support/worker-process';
import { type CpuSeconds, cpuWhile } from '../cpu';

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

/** A client on officeflow's connection with the SDK's default payloads, where officeflow's client encrypts them. */
export const bareClient = (officeflowClient: Client) =>
  new Client({ connection: officeflowClient.connection, namespace: officeflowClient.options.namespace });

/**
 * Bare Temporal on the same server, measured in the same session as officeflow: `workflows` workflows of `steps`
 * no-op activities, `concurrency` at a time, on a worker process of its own with the SDK's defaults.
 */
export async function measureBaseline(
  officeflowClient: Client,
  address: string,
  { workflows = 200, steps = 16, concurrency = 16 } = {},
): Promise<BaselineReport> {
  const client = bareClient(officeflowClient);
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
    const started = Date.now();
    const [, cpu] = await cpuWhile(names, () =>
      Promise.all(
        Array.from({ length: workflows }, (_, i) =>
          limiter.schedule(() => client.workflow.execute('noopSteps', { taskQueue, workflowId: `${taskQueue}-${i}`, args: [steps] })),
        ),
      ),
    );
    const seconds = (Date.now() - started) / 1000;
    return { workflows, steps, concurrency, seconds, runsPerSecond: workflows / seconds, cpu };
  } finally {
    await stopWorkerProcess(worker);
  }
}
