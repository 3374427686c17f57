import type { Pool } from 'pg';
import type { Forecast } from '../contracts/process-events';
import { repeatEvery } from '../infra/repeat';
import { forecastOf } from '../insights/forecast';
import { runsOf } from '../insights/log';

/** Finished runs a forecast is made from: those of the last 30 days. */
const SPAN_MS = 30 * 24 * 3600 * 1000;

/**
 * Each process's forecast, made again every `everyMs` from the event log (the intake gives it to the runs it starts):
 * `of` answers from memory, so a start never waits for it.
 */
export function keptForecasts(pool: Pool, processes: string[], taskQueues: string[], everyMs: number, failed: (error: unknown) => void) {
  const forecasts = new Map<string, Forecast | undefined>();
  const chore = repeatEvery(
    everyMs,
    async () => {
      for (const process of processes) {
        const runs = await runsOf(pool, process, new Date(Date.now() - SPAN_MS), taskQueues);
        forecasts.set(process, forecastOf(runs.filter((run) => run.endedAt)));
      }
    },
    failed,
  );
  return { of: (process: string) => forecasts.get(process), stop: chore.stop };
}
