/**
 * What a process's event log says of it (see `workers/process-log.ts`): how long its runs take end to end and per step,
 * how much of that is work, waiting on people (per team) and waiting on the outside world (a customer, a carrier, a
 * portal); where time piles up; the paths runs took; how often tasks were decided in time; which steps runs loop back to.
 * A pure reading of the runs' events: `insights/log.ts` reads them.
 */
import { type LoggedEvent, type LoggedRun, pathOf } from './runs';
import { type Prediction, checkpointsOf, predict, predictionAccuracy } from './predict';

/** How time in a step is spent: the run works, waits on people (a task is open), or waits on someone outside. */
export type TimeKind = 'working' | 'people' | 'outside';

/** Seconds, as the report gives every duration. */
interface Spread {
  p50: number;
  p90: number;
}

export interface ProcessInsights {
  process: string;
  since: string;
  runs: { started: number; finished: number; running: number; outcomes: Record<string, number> };
  /** End to end, over finished runs. */
  cycleTime?: Spread;
  /** Total seconds over finished runs, by how they were spent. */
  timeSpent: Record<TimeKind, number>;
  /** Waiting on people, by team; on the outside world, by whom: total and per run that waited on them. */
  waitingOn: Array<{ on: string; kind: Exclude<TimeKind, 'working'>; runs: number; total: number; perRun: Spread }>;
  /** Every step, where the most time piles up first (the bottlenecks). */
  steps: Array<{ step: string; kind: TimeKind; runs: number; total: number; perRun: Spread }>;
  /** The distinct paths finished runs took, the most common first. */
  variants: Array<{ path: string[]; runs: number; cycleTime: Spread }>;
  /** Tasks per team: decided by their deadline, decided late, still open past it. */
  sla: Array<{ team: string; onTime: number; late: number; openOverdue: number; share: number }>;
  /** Steps runs entered again (a change requested, a revision): how many runs looped, how many times in all. */
  rework: Array<{ step: string; runs: number; reentries: number }>;
  /** The running cases (the oldest first, at most `MAX_LISTED`), each with when it is expected to be done. */
  running: Array<{
    workflowId: string;
    step?: string;
    startedAt: string;
    prediction?: Prediction;
    expectedEnd?: string;
    /** Without a prediction: it is older already than every finished case (this many). */
    olderThanAll?: number;
  }>;
  /** Activity attempts that failed, and retries, per system the process talks to (added by `insights/log.ts`). */
  systems?: Array<{ system: string; failed: number; retried: number }>;
  /** How right such predictions were on the finished cases, in seconds. */
  predictions?: ReturnType<typeof predictionAccuracy>;
}

/** Running cases listed with their prediction, at most. */
const MAX_LISTED = 100;

interface Interval {
  step: string;
  kind: TimeKind;
  /** The team or the outside party, where the step waits. */
  on?: string;
  seconds: number;
}

const seconds = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000;
const round = (value: number) => Math.round(value * 10) / 10;

/** Nearest-rank percentiles of a non-empty list. */
export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
  return { p50: round(at(0.5)), p90: round(at(0.9)) };
}

/**
 * A run's time step by step, from each step's entry to the next (the step a running run is in now is left out). A
 * step waits on people from the moment one of its tasks opens (before that the run works to open it), on the outside
 * world where it waits on someone without a task.
 */
export function intervalsOf(run: LoggedRun): Interval[] {
  const intervals: Interval[] = [];
  const openTasks = new Map<string, string | undefined>();
  let current: { step: string; waitingOn?: string; from: Date; people: boolean; team?: string } | undefined;
  /** Where the intervals of the step the run is in begin (a step waits on a task, then on its escalation). */
  let visitFrom = 0;
  const close = (to: Date, kind?: TimeKind) => {
    if (!current) return;
    kind ??= current.people ? 'people' : current.waitingOn ? 'outside' : 'working';
    const on = kind === 'people' ? (current.waitingOn ?? current.team) : kind === 'outside' ? current.waitingOn : undefined;
    intervals.push({ step: current.step, kind, on, seconds: seconds(current.from, to) });
  };
  for (const event of run.events) {
    if (event.kind === 'step') {
      close(event.at);
      if (event.step !== current?.step) visitFrom = intervals.length;
      const team = [...openTasks.values()].find(Boolean);
      current = { step: event.step!, waitingOn: event.waitingOn, from: event.at, people: openTasks.size > 0, team };
    } else if (event.kind === 'task-opened') {
      openTasks.set(event.step!, event.waitingOn);
      if (current && !current.people) {
        // Until the task opened, the step was the run's work (opening it): split there, unless it opened at once.
        if (event.at > current.from) close(event.at, 'working');
        current = { ...current, from: event.at, people: true, team: current.team ?? event.waitingOn };
      }
    } else if (event.kind === 'task-decided' || event.kind === 'task-withdrawn') {
      openTasks.delete(event.step!);
    } else if (event.kind === 'ended') {
      close(event.at);
      current = undefined;
    }
  }
  // A running run's stay in its step so far is not a stay in it yet.
  return current ? intervals.slice(0, visitFrom) : intervals;
}

const groupBy = <T>(items: T[], keyOf: (item: T) => string) => {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return groups;
};

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** Per-run totals of the intervals in each group: how many runs, all their seconds, and the spread per run. */
function perRunTotals<T extends { runId: string; seconds: number }>(items: T[]) {
  const byRun = [...groupBy(items, (item) => item.runId).values()].map((ofRun) => sum(ofRun.map((item) => item.seconds)));
  return { runs: byRun.length, total: round(sum(byRun)), perRun: spread(byRun) };
}

function slaOf(runs: LoggedRun[], now: Date): ProcessInsights['sla'] {
  const tasks: Array<{ team: string; state: 'onTime' | 'late' | 'openOverdue' | 'open' }> = [];
  for (const run of runs) {
    const opened = new Map<string, LoggedEvent>();
    for (const event of run.events) {
      if (event.kind === 'task-opened') opened.set(event.step!, event);
      const task = event.step ? opened.get(event.step) : undefined;
      if (!task?.deadline || (event.kind !== 'task-decided' && event.kind !== 'task-withdrawn')) continue;
      opened.delete(event.step!);
      if (event.kind === 'task-decided') tasks.push({ team: task.waitingOn ?? '-', state: event.at <= task.deadline ? 'onTime' : 'late' });
    }
    for (const task of opened.values())
      if (task.deadline && !run.endedAt) tasks.push({ team: task.waitingOn ?? '-', state: task.deadline < now ? 'openOverdue' : 'open' });
  }
  return [...groupBy(tasks, (task) => task.team)].map(([team, ofTeam]) => {
    const count = (state: string) => ofTeam.filter((task) => task.state === state).length;
    const [onTime, late, openOverdue] = [count('onTime'), count('late'), count('openOverdue')];
    return { team, onTime, late, openOverdue, share: round((100 * onTime) / Math.max(1, onTime + late + openOverdue)) / 100 };
  });
}

export type RunningCase = ProcessInsights['running'][number];

/** A running case: where it is, and when it is expected to be done (or that it is older than every finished case). */
export function runningCase(run: LoggedRun, checkpoints: ReturnType<typeof checkpointsOf>, finished: number, now: Date): RunningCase {
  const prediction = predict(checkpoints, run, now);
  const step = [...run.events].reverse().find((event) => event.kind === 'step')?.step;
  return {
    workflowId: run.workflowId,
    ...(step ? { step } : {}),
    startedAt: run.startedAt.toISOString(),
    ...(prediction
      ? { prediction, expectedEnd: new Date(now.getTime() + prediction.remaining.p50 * 1000).toISOString() }
      : finished
        ? { olderThanAll: finished }
        : {}),
  };
}

/** The insights of a process from its runs started since `since`. */
export function processInsights(process: string, since: Date, runs: LoggedRun[], now = new Date()): ProcessInsights {
  const finished = runs.filter((run) => run.endedAt);
  const intervals = runs.flatMap((run) => intervalsOf(run).map((interval) => ({ ...interval, runId: run.runId })));
  const finishedIds = new Set(finished.map((run) => run.runId));
  const ofFinished = intervals.filter((interval) => finishedIds.has(interval.runId));
  const cycleOf = (run: LoggedRun) => seconds(run.startedAt, run.endedAt!);

  const waited = (kind: TimeKind) => round(sum(ofFinished.filter((i) => i.kind === kind).map((i) => i.seconds)));
  const people = waited('people');
  const outside = waited('outside');

  const waits = intervals.filter((interval) => interval.kind !== 'working' && interval.on);
  const waitingOn = [...groupBy(waits, (interval) => `${interval.kind}\u0000${interval.on}`).values()]
    .map((group) => ({ on: group[0].on!, kind: group[0].kind as Exclude<TimeKind, 'working'>, ...perRunTotals(group) }))
    .sort((a, b) => b.total - a.total);

  const steps = [...groupBy(intervals, (interval) => interval.step).values()]
    .map((group) => {
      // A step's kind is how most of its time was spent.
      const byKind = groupBy(group, (interval) => interval.kind);
      const kind = [...byKind].sort((a, b) => sum(b[1].map((i) => i.seconds)) - sum(a[1].map((i) => i.seconds)))[0][0] as TimeKind;
      return { step: group[0].step, kind, ...perRunTotals(group) };
    })
    .sort((a, b) => b.total - a.total);

  const variants = [...groupBy(finished, (run) => pathOf(run).join('\u0000')).values()]
    .map((group) => ({ path: pathOf(group[0]), runs: group.length, cycleTime: spread(group.map(cycleOf)) }))
    .sort((a, b) => b.runs - a.runs || a.cycleTime.p50 - b.cycleTime.p50);

  const rework = [
    ...groupBy(
      runs.flatMap((run) => reentriesOf(run).map((step) => ({ step, runId: run.runId }))),
      (r) => r.step,
    ),
  ]
    .map(([step, loops]) => ({ step, runs: new Set(loops.map((loop) => loop.runId)).size, reentries: loops.length }))
    .sort((a, b) => b.reentries - a.reentries);

  const checkpoints = checkpointsOf(finished);
  const running = runs
    .filter((run) => !run.endedAt)
    .slice(0, MAX_LISTED)
    .map((run) => runningCase(run, checkpoints, finished.length, now));

  const outcomes: Record<string, number> = {};
  for (const run of finished) outcomes[run.outcome ?? 'completed'] = (outcomes[run.outcome ?? 'completed'] ?? 0) + 1;
  const total = sum(finished.map(cycleOf));
  return {
    process,
    since: since.toISOString(),
    runs: { started: runs.length, finished: finished.length, running: runs.length - finished.length, outcomes },
    ...(finished.length ? { cycleTime: spread(finished.map(cycleOf)) } : {}),
    timeSpent: { working: round(Math.max(0, total - people - outside)), people, outside },
    waitingOn,
    steps,
    variants,
    sla: slaOf(runs, now),
    rework,
    running,
    predictions: predictionAccuracy(finished, checkpoints),
  };
}

/** The steps a run entered again after leaving them, once per re-entry. */
function reentriesOf(run: LoggedRun): string[] {
  const entered = new Set<string>();
  const again: string[] = [];
  let previous: string | undefined;
  for (const event of run.events) {
    if (event.kind !== 'step' || event.step === previous) continue;
    if (entered.has(event.step!)) again.push(event.step!);
    entered.add(event.step!);
    previous = event.step;
  }
  return again;
}
