import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { temporal } from '@temporalio/proto';
import type { Pool } from 'pg';
import { INVOICES_OF_DEALS, STOCK_UP, runBurst } from './burst';
import type { BenchEngine } from './local-engine';

/** Where one order-to-cash run's time goes, and what it asks of PostgreSQL and Temporal. */
export interface RunProfile {
  seconds: number;
  /** Each activity as it ran: waiting in Temporal's queue, then running on a worker. */
  activities: Array<{ activity: string; attempts: number; queuedMs: number; ranMs: number }>;
  /** The workflow's own turns: scheduled to completed, each. */
  workflowTasks: { count: number; ms: number };
  /** Each Chromium step of the robots, as their worker logged it. */
  robotSteps: Array<{ robot: string; step: string; ms: number }>;
  /** Statements the engine sent PostgreSQL for this run (not counting the driver's own), the most frequent first. */
  postgres: { statements: number; byStatement: Array<{ statement: string; calls: number }> };
  /** Requests the engine (workers and intake) made of the Temporal server for this run, by operation. */
  temporal: { requests: number; byOperation: Record<string, number> };
}

type Event = temporal.api.history.v1.IHistoryEvent;

const ms = (event: Event | undefined) =>
  event?.eventTime ? Number(event.eventTime.seconds) * 1000 + Math.round((event.eventTime.nanos ?? 0) / 1e6) : 0;

/** Activities and workflow tasks of one run, timed from its history. */
export function timeline(events: Event[]): Pick<RunProfile, 'activities' | 'workflowTasks' | 'seconds'> {
  const byId = new Map(events.map((event) => [Number(event.eventId), event]));
  const activities: RunProfile['activities'] = [];
  let count = 0;
  let wftMs = 0;
  for (const event of events) {
    const done = event.activityTaskCompletedEventAttributes;
    if (done) {
      const scheduled = byId.get(Number(done.scheduledEventId));
      const started = byId.get(Number(done.startedEventId));
      activities.push({
        activity: scheduled?.activityTaskScheduledEventAttributes?.activityType?.name ?? '?',
        attempts: started?.activityTaskStartedEventAttributes?.attempt ?? 1,
        queuedMs: ms(started) - ms(scheduled),
        ranMs: ms(event) - ms(started),
      });
    }
    const turn = event.workflowTaskCompletedEventAttributes;
    if (turn) {
      count++;
      wftMs += ms(event) - ms(byId.get(Number(turn.scheduledEventId)));
    }
  }
  return { seconds: (ms(events.at(-1)) - ms(events[0])) / 1000, activities, workflowTasks: { count, ms: wftMs } };
}

/** Requests the Temporal server has served, by operation, from its Prometheus metrics. */
async function temporalRequests(metricsUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(metricsUrl)).text();
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^service_requests\{(.*)\} (\S+)$/.exec(line);
    const operation = match && /operation="([^"]+)"/.exec(match[1])?.[1];
    if (operation) counts.set(operation, (counts.get(operation) ?? 0) + Number(match[2]));
  }
  return counts;
}

/** The statements PostgreSQL has run since the last reset, without the driver's own and the counting itself. */
async function postgresStatements(pool: Pool): Promise<RunProfile['postgres']> {
  const { rows } = await pool.query<{ query: string; calls: string }>(
    `SELECT query, calls FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND query NOT LIKE '%pg_stat_statements%' AND query <> ALL($1) ORDER BY calls DESC`,
    [[INVOICES_OF_DEALS, STOCK_UP]],
  );
  const byStatement = rows.map((row) => ({ statement: row.query.replace(/\s+/g, ' ').slice(0, 120), calls: Number(row.calls) }));
  return { statements: byStatement.reduce((sum, row) => sum + row.calls, 0), byStatement };
}

/** The robot steps a worker logged at debug level, from its log files. */
function robotSteps(stateDir: string, workers: number, since: number): RunProfile['robotSteps'] {
  const steps: RunProfile['robotSteps'] = [];
  for (let n = 1; n <= workers; n++) {
    for (const line of readFileSync(path.join(stateDir, `worker-${n}.log`), 'utf8').split('\n')) {
      if (!line.includes('"robot step"')) continue;
      const entry = JSON.parse(line) as { time: number; robot: string; step: string; ms: number };
      if (entry.time >= since) steps.push({ robot: entry.robot, step: entry.step, ms: entry.ms });
    }
  }
  return steps;
}

/**
 * Profiles one order-to-cash run on an idle engine whose workers log at debug level: one run first to warm the
 * workers (Chromium launched, the workflow code loaded), then the measured one, with PostgreSQL's and Temporal's
 * counters read before and after.
 */
export async function profileOrderToCash(bench: BenchEngine): Promise<RunProfile> {
  const { pool, client } = bench.target;
  await runBurst(bench.target, { runs: { 'order-to-cash': 1 } });
  await pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  const metricsUrl = `http://127.0.0.1:${bench.infra.config.TEMPORAL_METRICS_PORT}/metrics`;
  let after: { postgres: RunProfile['postgres']; requests: Map<string, number> } | undefined;
  const since = Date.now();
  const before = await temporalRequests(metricsUrl);
  await pool.query('SELECT pg_stat_statements_reset()');
  const report = await runBurst(bench.target, {
    runs: { 'order-to-cash': 1 },
    beforeCounting: async () => {
      after = { postgres: await postgresStatements(pool), requests: await temporalRequests(metricsUrl) };
    },
  });
  if (!report.ok) throw new Error(`the profiled run did not end as designed: ${JSON.stringify(report.outcomes)}`);
  const byOperation: Record<string, number> = {};
  for (const [operation, n] of after!.requests)
    if (n > (before.get(operation) ?? 0)) byOperation[operation] = n - (before.get(operation) ?? 0);
  return {
    ...timeline((await client.workflow.getHandle(report.workflowIds[0]).fetchHistory()).events ?? []),
    robotSteps: robotSteps(bench.stateDir, bench.workers.length, since),
    postgres: after!.postgres,
    temporal: { requests: Object.values(byOperation).reduce((a, b) => a + b, 0), byOperation },
  };
}
