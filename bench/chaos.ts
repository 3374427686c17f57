import type { Logger } from 'pino';
import { processes } from '../definitions';
import { type BurstReport, type RunCounts, runBurst } from './burst';
import { type BenchEngine, startBenchEngine } from './local-engine';

export interface ChaosOptions {
  /** Runs in all, shared out over every process in the registry. */
  runs: number;
  /** Worker processes on the same task queues. */
  workers: number;
  /** Stretches (> 1) or shrinks (< 1) the fault schedule: when each fault comes and how long it lasts. */
  scale: number;
  /** Gives up on runs not finished after this long. */
  timeoutMs: number;
  /** When the hires' first day begins, after the start (default: a minute). */
  firstDayInMs?: number;
}

/** A fault as it was injected: when (seconds after the runs started), what, and how it went. */
export interface InjectedFault {
  atSeconds: number;
  fault: string;
  tookSeconds: number;
  error?: string;
}

export interface ChaosReport extends BurstReport {
  faults: InjectedFault[];
}

interface Fault {
  atMs: number;
  fault: string;
  inject(): Promise<unknown>;
}

/** The runs shared out over every process in the registry, as evenly as they go; the rest to order-to-cash. */
export function shareRuns(runs: number): RunCounts {
  const each = Math.floor(runs / processes.length);
  const shares: RunCounts = Object.fromEntries(processes.map((process) => [process.name, each]));
  const rest = runs - each * processes.length;
  const heaviest = 'order-to-cash' in shares ? 'order-to-cash' : processes[0].name;
  return { ...shares, [heaviest]: shares[heaviest] + rest };
}

/** A stand-in's fault switch (`POST /standin/faults`), as the chaos run throws it. */
async function throwSwitch(url: URL, body: object): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
}

/**
 * What goes wrong while the runs are in flight, in this order: workers killed (SIGKILL, nothing cleans up) and new
 * ones started, the Temporal server and PostgreSQL restarted, the mail relay refusing connections for a minute, the
 * CRM answering 503 for a while, and at last every worker killed at once.
 */
function faultsFor(bench: BenchEngine, workers: number, scale: number): Fault[] {
  const ms = (milliseconds: number) => Math.round(milliseconds * scale);
  const { config } = bench.target;
  const s = (milliseconds: number) => `${(ms(milliseconds) / 1000).toFixed(0)} s`;
  return [
    { atMs: ms(20_000), fault: `worker 1 killed, a new one started ${s(5_000)} later`, inject: () => bench.killWorker(0, ms(5_000)) },
    {
      atMs: ms(45_000),
      fault: `Temporal server restarted (down ${s(5_000)})`,
      inject: () => bench.infra.restart('Temporal dev server', ms(5_000)),
    },
    {
      atMs: ms(75_000),
      fault: `worker ${workers} killed, a new one started ${s(5_000)} later`,
      inject: () => bench.killWorker(workers - 1, ms(5_000)),
    },
    { atMs: ms(100_000), fault: `PostgreSQL restarted (down ${s(5_000)})`, inject: () => bench.infra.restart('PostgreSQL', ms(5_000)) },
    {
      atMs: ms(130_000),
      fault: `SMTP server refusing connections for ${s(60_000)}`,
      inject: () => throwSwitch(new URL('/standin/faults', bench.target.mailboxUrl), { refuseConnectionsForMs: ms(60_000) }),
    },
    {
      atMs: ms(140_000),
      fault: `CRM answering 503 for ${s(45_000)}`,
      inject: () => throwSwitch(new URL('/standin/faults', config.CRM_URL), { unavailableForMs: ms(45_000) }),
    },
    {
      atMs: ms(200_000),
      fault: `all ${workers} workers killed, new ones started ${s(5_000)} later`,
      inject: () => Promise.all(Array.from({ length: workers }, (_, i) => bench.killWorker(i, ms(5_000)))),
    },
  ];
}

/**
 * Injects each fault at its time after `started`, one after another, and keeps how each went. `stop()` (the runs
 * have ended) lets the fault under way finish and skips the rest, so nothing is taken away while the results are
 * counted.
 */
function injectFaults(faults: Fault[], started: number, say: (line: string) => void) {
  const injected: InjectedFault[] = [];
  let stopped = false;
  let current: Promise<unknown> = Promise.resolve();
  const done = (async () => {
    for (const { atMs, fault, inject } of faults) {
      while (!stopped && Date.now() < started + atMs) await new Promise((resolve) => setTimeout(resolve, 250));
      const at = Date.now();
      if (stopped) {
        injected.push({ atSeconds: (at - started) / 1000, fault, tookSeconds: 0, error: 'not injected: the runs had ended' });
        continue;
      }
      current = inject();
      const error = await current.then(
        () => undefined,
        (failure: unknown) => String(failure),
      );
      const done = { atSeconds: (at - started) / 1000, fault, tookSeconds: (Date.now() - at) / 1000, ...(error ? { error } : {}) };
      say(`  +${done.atSeconds.toFixed(0)} s  ${fault}${error ? `: FAILED ${error}` : ''}`);
      injected.push(done);
    }
  })();
  return {
    injected,
    done,
    async stop() {
      stopped = true;
      await current.catch(() => undefined);
    },
  };
}

/**
 * A chaos run: a fresh local engine as deployed (worker processes of their own), runs of every process fired at once
 * and driven to their end from outside while workers are killed and servers go away, then everything the runs made
 * counted. A chaos run passes when every run reached its designed outcome and nothing was made twice; activities
 * timing out on a killed worker are expected and retried.
 */
export async function runChaos(log: Logger, options: ChaosOptions, say: (line: string) => void = () => undefined): Promise<ChaosReport> {
  const bench = await startBenchEngine(log, { workers: options.workers, prefix: 'officeflow-chaos-', firstDayInMs: options.firstDayInMs });
  try {
    say(`state in ${bench.stateDir}`);
    const faults = injectFaults(faultsFor(bench, options.workers, options.scale), Date.now(), say);
    const report = await runBurst(
      bench.target,
      { runs: shareRuns(options.runs), timeoutMs: options.timeoutMs, beforeCounting: faults.stop },
      { timeoutsCount: false },
    );
    await faults.done;
    return { ...report, mode: `chaos, ${options.workers} workers`, faults: faults.injected };
  } finally {
    await bench.stop();
  }
}
