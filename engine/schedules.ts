import { type Client, type ScheduleOptions, ScheduleAlreadyRunning, ScheduleOverlapPolicy, type ScheduleSpec } from '@temporalio/client';
import type { Logger } from 'pino';
import { scheduleIdOf, startOptions } from '../definitions';
import type { ProcessDefinition, ProcessSchedule, ScheduleTime } from '../definitions/define';

/**
 * The processes' schedules as Temporal Schedules: declared by the engine when its workers start, so a deploy brings
 * them up to date with the definitions. A schedule a definition no longer declares is deleted; a paused one stays
 * paused across deploys (pausing is an operator's decision, not the definition's).
 */

/** Marks the schedules the engine declared, so it never touches an operator's own. */
const DECLARED_BY = 'officeflow';

const OVERLAP: Record<NonNullable<ProcessSchedule['overlap']>, ScheduleOverlapPolicy> = {
  skip: ScheduleOverlapPolicy.SKIP,
  'buffer-one': ScheduleOverlapPolicy.BUFFER_ONE,
  'allow-all': ScheduleOverlapPolicy.ALLOW_ALL,
};

const specOf = (when: ScheduleTime): ScheduleSpec =>
  'cron' in when ? { cronExpressions: [when.cron], timezone: when.timezone } : { intervals: [{ every: when.every }] };

/** The Temporal Schedule of a process's schedule: its run starts as an event's would, with the process's settings. */
function scheduleOptions(process: ProcessDefinition, schedule: ProcessSchedule, id: string, suffix: string, when: ScheduleTime) {
  const input = { ...schedule.input(), settings: process.settings };
  const checked = process.input.parse(input);
  return {
    scheduleId: id,
    spec: specOf(when),
    action: {
      type: 'startWorkflow',
      workflowType: process.workflow.name,
      // Temporal appends each run's scheduled time: `overdue-tasks-digest-weekly-2026-12-07T07:00:00Z`.
      workflowId: `${process.name}-${schedule.name}${suffix}`,
      args: [checked],
      ...startOptions(process, checked),
    },
    policies: { overlap: OVERLAP[schedule.overlap ?? 'skip'], catchupWindow: schedule.catchupWindow ?? '1 hour' },
    memo: { declaredBy: DECLARED_BY, process: process.name },
    state: { note: schedule.description },
  } satisfies ScheduleOptions;
}

/**
 * Creates or updates every schedule of the registry, and deletes those of this engine the definitions dropped.
 * `times` replaces a schedule's time by `<process>:<name>` (tests run them every few seconds).
 */
export async function declareSchedules(
  client: Client,
  registry: ProcessDefinition[],
  suffix: string,
  log: Logger,
  times: Record<string, ScheduleTime> = {},
): Promise<string[]> {
  const declared: string[] = [];
  for (const process of registry) {
    for (const schedule of process.schedules ?? []) {
      const id = scheduleIdOf(process, schedule, suffix);
      const options = scheduleOptions(process, schedule, id, suffix, times[`${process.name}:${schedule.name}`] ?? schedule.when);
      try {
        await client.schedule.create(options);
        log.info({ schedule: id }, 'schedule declared');
      } catch (error) {
        if (!(error instanceof ScheduleAlreadyRunning)) throw error;
        await client.schedule.getHandle(id).update((previous) => ({
          ...previous,
          spec: options.spec,
          action: options.action,
          policies: options.policies,
        }));
      }
      declared.push(id);
    }
  }
  for await (const listed of client.schedule.list()) {
    const ours = listed.memo?.declaredBy === DECLARED_BY && ownSuffix(listed.scheduleId, suffix);
    if (ours && !declared.includes(listed.scheduleId)) {
      await client.schedule.getHandle(listed.scheduleId).delete();
      log.info({ schedule: listed.scheduleId }, 'schedule no longer declared: deleted');
    }
  }
  return declared;
}

/** Whether a schedule id belongs to the engine with this suffix (`@…` appended; none for an engine without). */
const ownSuffix = (id: string, suffix: string) => (suffix ? id.endsWith(suffix) : !id.includes('@'));
