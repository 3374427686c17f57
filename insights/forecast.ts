import type { Forecast, Remaining } from '../contracts/process-events';
import { MIN_CASES, checkpointsOf, percentile, round } from './predict';
import type { LoggedRun } from './runs';

/** Paths a forecast keeps at most, the most travelled: what a run carries stays small. */
const MAX_PATHS = 100;

const remainingOf = (remainings: number[]): Remaining => {
  const sorted = [...remainings].sort((a, b) => a - b);
  return [round(percentile(sorted, 0.1)), round(percentile(sorted, 0.5)), round(percentile(sorted, 0.9))];
};

/**
 * What finished runs still took from entering each step, where at least as many went that way as a prediction rests
 * on (the same rule as `predict`, at the moment of entry); undefined while no step has that many.
 */
export function forecastOf(finished: LoggedRun[]): Forecast | undefined {
  const { byPath, byStep } = checkpointsOf(finished);
  const kept = (checkpoints: Map<string, Array<{ remaining: number }>>, limit = Infinity) =>
    Object.fromEntries(
      [...checkpoints]
        .filter(([, list]) => list.length >= MIN_CASES)
        .sort((a, b) => b[1].length - a[1].length)
        .slice(0, limit)
        .map(([key, list]) => [key, remainingOf(list.map((checkpoint) => checkpoint.remaining))]),
    );
  const forecast = { byPath: kept(byPath, MAX_PATHS), byStep: kept(byStep) };
  return Object.keys(forecast.byStep).length > 0 ? forecast : undefined;
}
