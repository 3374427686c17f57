/** The `p`th percentile of `values` (nearest rank), 0 for none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** One throughput point measured again and again: every rate, the median, and how far apart they lie. */
export interface Repeats {
  rates: number[];
  median: number;
  /** (highest − lowest) / median: 0.05 is 5 % between the best and the worst. */
  spread: number;
}

/**
 * Measures a throughput point `times` times, one after the other: the measurement with the median rate stands for
 * them (its latencies and CPU with it), with every rate and their spread, so that a ratio is not one noisy run.
 */
export async function repeatedly<T extends { runsPerSecond: number }>(
  times: number,
  measure: () => Promise<T>,
): Promise<T & { repeats: Repeats }> {
  const samples: T[] = [];
  for (let i = 0; i < times; i++) samples.push(await measure());
  const sorted = [...samples].sort((a, b) => a.runsPerSecond - b.runsPerSecond);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  const rates = samples.map((sample) => sample.runsPerSecond);
  const spread = (sorted.at(-1)!.runsPerSecond - sorted[0].runsPerSecond) / median.runsPerSecond;
  return { ...median, repeats: { rates, median: median.runsPerSecond, spread } };
}
