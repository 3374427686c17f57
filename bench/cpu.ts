import { readFileSync } from 'node:fs';
import { TICKS_PER_SECOND, descendsFrom, processTable } from './process-table';

/** CPU seconds used so far, by part of the engine: the Temporal server, PostgreSQL, Chromium, each Node process. */
export type CpuSeconds = Record<string, number>;

/** CPU seconds the whole machine has been busy (all CPUs, every process): what the parts should add up to. */
function machineBusySeconds(): number {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

/**
 * Reads the CPU time (its own and its reaped children's) of every process this one started, directly or not, grouped
 * by what it is: other engines on the machine (a test file beside this one, with a Temporal server it restarts) are
 * not counted. `names` labels Node processes by pid (the workers, the bench with its intake); other Node processes
 * count as "other node".
 */
function cpuSeconds(names: Map<number, string>): CpuSeconds {
  const used: CpuSeconds = { machine: machineBusySeconds() };
  const processes = processTable();
  const ours = (pid: number): boolean => descendsFrom(processes, pid, process.pid);
  for (const [pid, { command, own, reaped }] of processes) {
    const part = ours(pid) ? partOf(command, names.get(pid)) : undefined;
    if (!part) continue;
    // A worker's only children are the Chromiums its pool launched: a replaced one's time is Chromium's, not the worker's.
    const children = part.startsWith('worker') ? 'Chromium' : part;
    used[part] = (used[part] ?? 0) + own;
    used[children] = (used[children] ?? 0) + reaped;
  }
  return used;
}

function partOf(command: string, name: string | undefined): string | undefined {
  if (name) return name;
  // The dev server (the CLI) or the Temporal server built from Go modules.
  if (command === 'temporal' || command === 'server') return 'Temporal server';
  if (command === 'postgres') return 'PostgreSQL';
  if (command.startsWith('chrom')) return 'Chromium';
  if (command === 'node' || command.startsWith('node')) return 'other node';
  return undefined;
}

/** Runs `work` and returns its result with the CPU seconds each part used meanwhile. */
export async function cpuWhile<T>(names: Map<number, string>, work: () => Promise<T>): Promise<[T, CpuSeconds]> {
  const before = cpuSeconds(names);
  const result = await work();
  return [result, cpuUsedBetween(before, cpuSeconds(names))];
}

/** What each part used between two readings. */
function cpuUsedBetween(before: CpuSeconds, after: CpuSeconds): CpuSeconds {
  return Object.fromEntries(
    Object.entries(after)
      .map(([part, seconds]) => [part, Math.max(0, seconds - (before[part] ?? 0))] as const)
      .filter(([, seconds]) => seconds > 0.005),
  );
}
