/** The `p`th percentile of `values` (nearest rank), 0 for none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** One point measured again and again: every value (a rate, a p99), the median, and how far apart they lie. */
export interface Repeats {
  values: number[];
  median: number;
  /** (highest − lowest) / median: 0.05 is 5 % between the best and the worst. */
  spread: number;
}

/**
 * The measurement whose `value` is the median of `samples` stands for them all (its other figures with it), with every
 * value and their spread, so that a ratio is not one noisy run.
 */
export function medianOf<T>(samples: T[], value: (sample: T) => number): T & { repeats: Repeats } {
  const sorted = [...samples].sort((a, b) => value(a) - value(b));
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  const spread = (value(sorted.at(-1)!) - value(sorted[0])) / value(median);
  return { ...median, repeats: { values: samples.map(value), median: value(median), spread } };
}

/** Measures a throughput point `times` times, one after the other; the one with the median rate stands for them. */
export async function repeatedly<T extends { runsPerSecond: number }>(
  times: number,
  measure: () => Promise<T>,
): Promise<T & { repeats: Repeats }> {
  const samples: T[] = [];
  for (let i = 0; i < times; i++) samples.push(await measure());
  return medianOf(samples, (sample) => sample.runsPerSecond);
}
