import { pathKey } from '../contracts/process-events';
import { type LoggedRun, pathOf } from './runs';

/**
 * When a running case will be done, from the cases that went the same way so far: the finished runs of the process
 * that passed the same path (same steps, same escalations, in order) and were still going after as long in the step,
 * else those that were in the same step, else every finished run at the same age. Their remaining times give the
 * expectation (median) and its likely range (10th to 90th percentile).
 */
export interface Prediction {
  /** Seconds still to go: expected, and the likely range. */
  remaining: { p10: number; p50: number; p90: number };
  basis: 'same path' | 'same step' | 'same process';
  /** How many finished cases it rests on. */
  cases: number;
}

/** Fewer comparable cases than this, and the prediction rests on a wider set. */
export const MIN_CASES = 5;

export const percentile = (sorted: number[], q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
export const round = (value: number) => Math.round(value * 10) / 10;

/** One moment of a finished run: where it stood and how long it still took from there. */
interface Checkpoint {
  runId: string;
  path: string;
  step: string;
  /** Seconds from entering the step to the run's end. */
  remaining: number;
}

/** The moments finished runs entered each step, by path (`pathKey`) and by step. */
export function checkpointsOf(finished: LoggedRun[]) {
  const byPath = new Map<string, Checkpoint[]>();
  const byStep = new Map<string, Checkpoint[]>();
  const cycles: Array<{ runId: string; seconds: number }> = [];
  for (const run of finished) {
    const end = run.endedAt!.getTime();
    cycles.push({ runId: run.runId, seconds: (end - run.startedAt.getTime()) / 1000 });
    run.events.forEach((event, i) => {
      if (event.kind !== 'step') return;
      const sofar = { ...run, events: run.events.slice(0, i + 1) };
      const checkpoint = {
        runId: run.runId,
        path: pathKey(pathOf(sofar)),
        step: event.step!,
        remaining: (end - event.at.getTime()) / 1000,
      };
      byPath.set(checkpoint.path, [...(byPath.get(checkpoint.path) ?? []), checkpoint]);
      byStep.set(checkpoint.step, [...(byStep.get(checkpoint.step) ?? []), checkpoint]);
    });
  }
  return { byPath, byStep, cycles };
}

type Checkpoints = ReturnType<typeof checkpointsOf>;

/** What remains of those cases after `elapsed` seconds, among those still going by then. */
function remainingAfter(remainings: number[], elapsed: number): number[] {
  return remainings
    .filter((remaining) => remaining > elapsed)
    .map((remaining) => remaining - elapsed)
    .sort((a, b) => a - b);
}

function predictFrom(samples: number[], basis: Prediction['basis']): Prediction {
  return {
    remaining: { p10: round(percentile(samples, 0.1)), p50: round(percentile(samples, 0.5)), p90: round(percentile(samples, 0.9)) },
    basis,
    cases: samples.length,
  };
}

/**
 * The prediction for a case standing at the end of `run`'s events at `now`; `except` leaves one finished run out (to
 * measure predictions on finished cases). Undefined where no finished case is comparable.
 */
export function predict(checkpoints: Checkpoints, run: LoggedRun, now: Date, except?: string): Prediction | undefined {
  const lastStep = [...run.events].reverse().find((event) => event.kind === 'step');
  const others = (list: Checkpoint[] = []) => list.filter((checkpoint) => checkpoint.runId !== except).map((c) => c.remaining);
  if (lastStep) {
    const inStep = (now.getTime() - lastStep.at.getTime()) / 1000;
    const samePath = remainingAfter(others(checkpoints.byPath.get(pathKey(pathOf(run)))), inStep);
    if (samePath.length >= MIN_CASES) return predictFrom(samePath, 'same path');
    const sameStep = remainingAfter(others(checkpoints.byStep.get(lastStep.step!)), inStep);
    if (sameStep.length >= MIN_CASES) return predictFrom(sameStep, 'same step');
  }
  const age = (now.getTime() - run.startedAt.getTime()) / 1000;
  const sameProcess = remainingAfter(
    checkpoints.cycles.filter((cycle) => cycle.runId !== except).map((cycle) => cycle.seconds),
    age,
  );
  return sameProcess.length > 0 ? predictFrom(sameProcess, 'same process') : undefined;
}

/**
 * How right the predictions were on finished cases: each predicted, leaving itself out, as it entered each step,
 * against what it really took from there. The mean error of the expectation, and how often the truth was in the range.
 */
export function predictionAccuracy(finished: LoggedRun[], checkpoints: Checkpoints) {
  const errors: number[] = [];
  let inRange = 0;
  for (const run of finished) {
    run.events.forEach((event, i) => {
      if (event.kind !== 'step' || event.at.getTime() === run.endedAt!.getTime()) return;
      const sofar = { ...run, events: run.events.slice(0, i + 1), endedAt: undefined };
      const prediction = predict(checkpoints, sofar, event.at, run.runId);
      if (!prediction) return;
      const actual = (run.endedAt!.getTime() - event.at.getTime()) / 1000;
      errors.push(Math.abs(prediction.remaining.p50 - actual));
      if (actual >= prediction.remaining.p10 && actual <= prediction.remaining.p90) inRange += 1;
    });
  }
  if (errors.length === 0) return undefined;
  const sorted = [...errors].sort((a, b) => a - b);
  return {
    predictions: errors.length,
    meanError: round(errors.reduce((a, b) => a + b, 0) / errors.length),
    /** The share of cases that took a time within the predicted range. */
    medianError: round(percentile(sorted, 0.5)),
    inRange: Math.round((100 * inRange) / errors.length) / 100,
  };
}
