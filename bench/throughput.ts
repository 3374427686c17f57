import { runBurst } from './burst';
import { type CpuSeconds, cpuWhile } from './cpu';
import type { BenchEngine } from './local-engine';

export interface ThroughputRow {
  /** "1 at a time" … "burst". */
  mode: string;
  /** Runs in flight: closed loop (each started when one ends), or all at once for a burst. */
  concurrency: number;
  runs: number;
  seconds: number;
  runsPerSecond: number;
  /** From first event to end, per run. */
  runSeconds: { p50: number; p95: number; max: number };
  activityTimeouts: number;
  /** Those attempts by step and timeout ("printInvoice: heartbeat"). */
  timedOutSteps: Record<string, number>;
  /** Nothing lost or doubled and no activity timed out. */
  ok: boolean;
  /** CPU seconds each part of the engine spent on these runs. */
  cpu: CpuSeconds;
}

/** Names the bench's own Node processes in the CPU figures. */
export function processNames(bench: BenchEngine): Map<number, string> {
  const names = new Map<number, string>([[process.pid, 'intake + driver']]);
  bench.workers.forEach((worker, i) => names.set(worker.pid!, bench.workers.length > 1 ? `worker ${i + 1}` : 'worker'));
  return names;
}

/** Order-to-cash runs at `concurrency` (or all at once with `burst`), their rate, latency and CPU by part. */
export async function measureOrderToCash(bench: BenchEngine, runs: number, concurrency: number | 'burst'): Promise<ThroughputRow> {
  const names = processNames(bench);
  const [report, cpu] = await cpuWhile(names, () =>
    runBurst(bench.target, { runs: { 'order-to-cash': runs }, concurrency: concurrency === 'burst' ? undefined : concurrency }),
  );
  return {
    mode: concurrency === 'burst' ? `burst of ${runs}` : `${concurrency} at a time`,
    concurrency: concurrency === 'burst' ? runs : concurrency,
    runs,
    seconds: report.seconds,
    runsPerSecond: runs / report.seconds,
    runSeconds: report.runSeconds,
    activityTimeouts: report.activityTimeouts,
    timedOutSteps: report.timedOutSteps,
    ok: report.ok,
    cpu,
  };
}
