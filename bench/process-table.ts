import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second in /proc (USER_HZ, 100 on Linux). */
export const TICKS_PER_SECOND = 100;

/** One process as `/proc/<pid>/stat` shows it: its parent, its command, and its CPU seconds. */
export interface ProcessEntry {
  parent: number;
  command: string;
  /** CPU seconds of its own. */
  own: number;
  /** CPU seconds of the children it reaped. */
  reaped: number;
}

/** Every process on the machine now, by pid. */
export function processTable(): Map<number, ProcessEntry> {
  const processes = new Map<number, ProcessEntry>();
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
  return processes;
}

/** Whether `pid` is `ancestor` or one of its descendants, directly or not (a process puppeteer started detached too). */
export const descendsFrom = (table: Map<number, ProcessEntry>, pid: number, ancestor: number): boolean =>
  pid === ancestor || (pid > 1 && descendsFrom(table, table.get(pid)?.parent ?? 0, ancestor));
