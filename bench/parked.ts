import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import Bottleneck from 'bottleneck';
import { sendEvent } from '../web/events/send';
import { eventWith } from './burst';
import type { BenchEngine } from './local-engine';

export interface ParkedReport {
  runs: number;
  /** Seconds to have every run accepted by the intake (16 senders), and to have every one waiting on its task. */
  startSeconds: number;
  parkedSeconds: number;
  /** The workers' resident memory (MiB, the Node process without its Chromium) as runs came to wait, by runs waiting. */
  workerMemory: Array<{ parked: number; mib: number }>;
  /** Runs a worker keeps cached per task queue (`WORKER_CACHED_WORKFLOWS`). */
  cachedWorkflows: number;
  /** How long the Temporal UI's searches take over them: every run waiting on Finance, and those past their deadline. */
  queries: Array<{ query: string; count: number; ms: number }>;
}

const residentMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/**
 * Parks `runs` order-to-cash runs on a human task (each order over its customer's credit limit waits for Credit
 * control), then times the searches an operator runs over them. The worker's memory is sampled as they come to wait.
 */
export async function measureParkedRuns(bench: BenchEngine, runs: number): Promise<ParkedReport> {
  const { client, config, intakeUrl } = bench.target;
  const customerId = `PARK-${randomUUID().slice(0, 8)}`;
  const customer = { id: customerId, name: 'Parked GmbH', billingEmail: 'billing@parked.test', country: 'DE' };
  // Far over the default credit limit: every order waits for Credit control.
  const lines = [{ sku: 'DESK-140', quantity: 500, unitPrice: 499 }];
  const waiting = `CustomerId = '${customerId}' AND WaitingOn = 'Finance' AND ExecutionStatus = 'Running'`;
  const count = async (query: string) => (await client.workflow.count(query)).count;

  const memory: ParkedReport['workerMemory'] = [];
  const sample = async () => memory.push({ parked: await count(waiting), mib: Math.round(residentMiB(bench.workers[0].pid!)) });
  await sample();
  const sampler = setInterval(() => void sample().catch(() => undefined), 5000);
  const began = Date.now();
  try {
    const senders = new Bottleneck({ maxConcurrent: 16 });
    await Promise.all(
      Array.from({ length: runs }, (_, i) =>
        senders.schedule(async () => {
          const dealId = `${customerId}-D${i}`;
          const event = eventWith('crm.deal.closed_won', { dealId, customer, lines });
          for (;;) {
            const { status } = await sendEvent(intakeUrl, config.WEBHOOK_SECRETS[0], event);
            if (status < 300) return;
            await new Promise((resolve) => setTimeout(resolve, 1000));
          }
        }),
      ),
    );
    const startSeconds = (Date.now() - began) / 1000;
    while ((await count(waiting)) < runs) await new Promise((resolve) => setTimeout(resolve, 2000));
    const parkedSeconds = (Date.now() - began) / 1000;
    clearInterval(sampler);
    await sample();
    const timed = async (query: string) => {
      const started = performance.now();
      const found = await count(query);
      return { query, count: found, ms: Math.round(performance.now() - started) };
    };
    // Past their deadline now (none: Credit control has two days), and as they will be in three days (all).
    const pastDeadline = (at: Date) => `${waiting} AND WaitDeadline < '${at.toISOString()}'`;
    const queries = [
      await timed(waiting),
      await timed(pastDeadline(new Date())),
      await timed(pastDeadline(new Date(Date.now() + 3 * 86_400_000))),
    ];
    return {
      runs,
      startSeconds,
      parkedSeconds,
      workerMemory: memory,
      cachedWorkflows: config.WORKER_CACHED_WORKFLOWS,
      queries,
    };
  } finally {
    clearInterval(sampler);
  }
}
