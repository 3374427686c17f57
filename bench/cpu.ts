import { readFileSync, readdirSync } from 'node:fs';

/** CPU seconds used so far, by part of the engine: the Temporal server, PostgreSQL, Chromium, each Node process. */
export type CpuSeconds = Record<string, number>;

const TICKS_PER_SECOND = 100;

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
  const processes = new Map<number, { parent: number; command: string; own: number; reaped: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // After the command: state, parent pid, …; utime, stime, cutime, cstime are fields 14–17 (`fields` starts at 3).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [own, reaped] = [fields.slice(11, 13), fields.slice(13, 15)].map(
      (pair) => pair.reduce((sum, field) => sum + Number(field), 0) / TICKS_PER_SECOND,
    );
    const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    processes.set(Number(entry), { parent: Number(fields[1]), command, own, reaped });
  }
  const ours = (pid: number): boolean => pid === process.pid || (pid > 1 && ours(processes.get(pid)?.parent ?? 0));
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
