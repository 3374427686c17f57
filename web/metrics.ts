import { Runtime } from '@temporalio/worker';
import type { TaskList } from '../activities/human-tasks/store';
import type { ProcessDefinition } from '../definitions/define';

/** How often the task gauges are read from the task list: often enough for a dashboard, cheap for PostgreSQL. */
const TASK_GAUGE_INTERVAL_MS = 15_000;

/**
 * The intake's business metrics, exported with the SDK's own by the process's Prometheus endpoint (see
 * `installTemporalRuntime`): events answered per type and HTTP status, and open tasks and tasks past their deadline
 * per team, read from the task list.
 */
export function intakeMetrics(tasks: TaskList, registry: ProcessDefinition[]) {
  const meter = Runtime.instance().metricMeter;
  const events = meter.createCounter('officeflow_events', 'events', 'Events the intake answered, per type and HTTP status');
  const sourceEvents = meter.createCounter(
    'officeflow_source_events',
    'events',
    "Events in vendors' webhooks, per source and what was made of them (mapped, ignored, refused)",
  );
  const openTasks = meter.createGauge('officeflow_open_tasks', 'int', 'tasks', 'Open human tasks per team');
  const overdueTasks = meter.createGauge('officeflow_tasks_past_deadline', 'int', 'tasks', 'Open human tasks past their deadline per team');
  // Only the processes' own event types become labels: anything a sender makes up is counted as `unbound`.
  const bound = new Set(registry.flatMap((process) => process.triggers.map((trigger) => trigger.type)));
  const teamsSeen = new Set<string>();

  async function countTasks(): Promise<void> {
    const rows = await tasks.countsByTeam();
    // A team whose last task closed reads 0, not its last count.
    const counted = new Map(rows.map((row) => [row.team, row]));
    for (const team of new Set([...teamsSeen, ...counted.keys()])) {
      teamsSeen.add(team);
      openTasks.set(counted.get(team)?.open ?? 0, { team });
      overdueTasks.set(counted.get(team)?.overdue ?? 0, { team });
    }
  }

  let timer: NodeJS.Timeout | undefined;
  return {
    /** Counts an answered event: its type where a process is bound to it. */
    eventAnswered(type: string | undefined, status: number): void {
      events.add(1, { type: type && bound.has(type) ? type : 'unbound', status: String(status) });
    },
    /** Counts an event a vendor's webhook delivered: mapped to an officeflow event, ignored, or refused. */
    sourceEvent(source: string, outcome: 'mapped' | 'ignored' | 'refused'): void {
      sourceEvents.add(1, { source, outcome });
    },
    /** Reads the task gauges now and every 15 seconds until stopped; a failed read waits for the next. */
    start(onError: (error: unknown) => void): void {
      const read = () => countTasks().catch(onError);
      void read();
      timer = setInterval(read, TASK_GAUGE_INTERVAL_MS);
      timer.unref();
    },
    stop(): void {
      clearInterval(timer);
    },
  };
}

export type IntakeMetrics = ReturnType<typeof intakeMetrics>;
