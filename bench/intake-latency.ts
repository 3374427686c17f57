import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { localPort } from '../infra/ports';
import { sendEvent } from '../web/events/send';
import { startWorkerProcess, stopWorkerProcess } from '../test/support/worker-process';
import { bareClient } from './baseline';
import { eventWith } from './burst';
import type { BenchEngine } from './local-engine';
import { type Repeats, medianOf, percentile } from './statistics';

export interface IntakeLatencyRow {
  /** Whether the workers were busy with order-to-cash runs meanwhile; or bare Temporal starts, the floor under the intake. */
  workers: 'idle' | 'busy' | 'bare Temporal start';
  concurrency: number;
  requests: number;
  /** Events accepted (2xx) a second. */
  acceptedPerSecond: number;
  /** Answers other than 2xx, by status. */
  refused: Record<string, number>;
  ms: { p50: number; p95: number; p99: number };
  /** Where the point was measured more than once: its p99s; the row is the measurement with the median p99. */
  repeats?: Repeats;
}

/**
 * An intake as deployed (`officeflow up --only intake`, a process of its own) whose runs go to task queues no worker
 * polls (`TASK_QUEUE_SUFFIX`): what it costs to take an event, without its runs adding to the workers' load.
 */
export async function startMeasuredIntake(bench: BenchEngine, settings: Record<string, string> = {}) {
  const port = await localPort(0, 'INTAKE_PORT');
  const intake = await startWorkerProcess(
    // One sender at full speed: no rate limit per sender.
    { ...bench.workerEnv, INTAKE_PORT: String(port), TASK_QUEUE_SUFFIX: '@bench-intake', INTAKE_RATE_LIMIT: '100000000', ...settings },
    { only: 'intake', logFile: path.join(bench.stateDir, 'intake.log') },
  );
  return { url: `http://127.0.0.1:${port}`, stop: () => stopWorkerProcess(intake) };
}

/**
 * `concurrency` senders, each calling `send` again as soon as it answered (an HTTP status), for `seconds`: latency as
 * the sender sees it, and answers under 300 a second.
 */
async function closedLoop(
  send: () => Promise<number>,
  { concurrency, seconds, workers }: { concurrency: number; seconds: number; workers: IntakeLatencyRow['workers'] },
): Promise<IntakeLatencyRow> {
  const latencies: number[] = [];
  const refused: Record<string, number> = {};
  let accepted = 0;
  const until = Date.now() + seconds * 1000;
  const sender = async () => {
    while (Date.now() < until) {
      const began = performance.now();
      const status = await send();
      latencies.push(performance.now() - began);
      if (status < 300) accepted++;
      else refused[status] = (refused[status] ?? 0) + 1;
    }
  };
  const began = Date.now();
  await Promise.all(Array.from({ length: concurrency }, sender));
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    workers,
    concurrency,
    requests: latencies.length,
    acceptedPerSecond: accepted / ((Date.now() - began) / 1000),
    refused,
    ms: { p50: round(percentile(latencies, 50)), p95: round(percentile(latencies, 95)), p99: round(percentile(latencies, 99)) },
  };
}

/** The intake's latency for new signed `crm.account.created` events, each starting a run. */
export function measureIntakeLatency(
  intakeUrl: string,
  secret: string,
  options: { concurrency: number; seconds: number; workers: 'idle' | 'busy' },
): Promise<IntakeLatencyRow> {
  return closedLoop(
    async () => (await sendEvent(intakeUrl, secret, eventWith('crm.account.created', { accountId: `BENCH-${randomUUID()}` }))).status,
    options,
  );
}

/**
 * The floor under the intake: the same server starting bare workflows (no payload, nobody polling their queue) as
 * fast as `concurrency` callers ask, with workers idle.
 */
export function measureBareStarts(officeflowClient: Client, options: { concurrency: number; seconds: number }): Promise<IntakeLatencyRow> {
  const client = bareClient(officeflowClient);
  const taskQueue = `bench-starts-${randomUUID()}`;
  return closedLoop(
    async () => {
      await client.workflow.start('noopSteps', { taskQueue, workflowId: `${taskQueue}-${randomUUID()}`, args: [0] });
      return 201;
    },
    { ...options, workers: 'bare Temporal start' },
  );
}

/**
 * The intake's latency against the floor under it, a bare Temporal start, at each concurrency: first both warmed up
 * for `warmSeconds` (unrecorded: a freshly started intake runs its code unoptimised, at about twice the CPU an event
 * of one that has served a few thousand), then each point `repeats` times, bare and intake in turns so that the
 * machine's drift falls on both. Each row is the measurement with the median p99.
 */
export async function measureIntakeAgainstBareStarts(
  officeflowClient: Client,
  intake: { url: string; secret: string },
  { concurrencies, seconds, repeats, warmSeconds }: { concurrencies: number[]; seconds: number; repeats: number; warmSeconds: number },
  say: (line: string) => void,
): Promise<IntakeLatencyRow[]> {
  const bare = (concurrency: number, forSeconds = seconds) => measureBareStarts(officeflowClient, { concurrency, seconds: forSeconds });
  const idle = (concurrency: number, forSeconds = seconds) =>
    measureIntakeLatency(intake.url, intake.secret, { concurrency, seconds: forSeconds, workers: 'idle' });
  const most = Math.max(...concurrencies);
  say(`warming up: bare Temporal starts and the intake, ${most} senders for ${warmSeconds} s each`);
  await bare(most, warmSeconds);
  await idle(most, warmSeconds);
  const rows: IntakeLatencyRow[] = [];
  for (const concurrency of concurrencies) {
    say(`bare Temporal starts and the intake in turns, workers idle: ${concurrency} senders for ${seconds} s, ${repeats}×`);
    const [bareRows, idleRows]: IntakeLatencyRow[][] = [[], []];
    for (let i = 0; i < repeats; i++) {
      bareRows.push(await bare(concurrency));
      idleRows.push(await idle(concurrency));
    }
    rows.push(
      medianOf(bareRows, (row) => row.ms.p99),
      medianOf(idleRows, (row) => row.ms.p99),
    );
  }
  return rows;
}
