import { type Client, ScheduleNotFoundError, ScheduleOverlapPolicy, type ScheduleSummary } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { plainText } from '../contracts/fields';
import type { ProcessDefinition } from '../definitions/define';
import { scheduleIdOf } from '../definitions';
import { Refusal } from './errors';
import type { Authenticate } from './identity';
import type { OperatorLog } from '../db/operator-log';
import { operatorReason } from './operator-log';
import { requireRole } from './roles';

/** A schedule as operators see it: what it runs, when next, what it last started, and whether it is paused and why. */
export interface ListedSchedule {
  schedule: string;
  process: string;
  description: string;
  paused: boolean;
  /** The operator's note while paused. */
  note?: string;
  nextRun?: string;
  lastRun?: string;
  lastWorkflowId?: string;
}

/**
 * `GET /schedules` (operators and auditors) and `POST /schedules/:id/pause|unpause|trigger|backfill` (operators): the
 * engine's schedules, each change with a reason, kept in the schedule's note and the operator log.
 */
export const scheduleRoutes: FastifyPluginAsyncZod<{
  client: Client;
  registry: ProcessDefinition[];
  taskQueueSuffix: string;
  authenticate: Authenticate;
  log: OperatorLog;
}> = async (app, { client, registry, taskQueueSuffix, authenticate, log }) => {
  const declared = new Map(
    registry.flatMap((process) =>
      (process.schedules ?? []).map((schedule) => [scheduleIdOf(process, schedule, taskQueueSuffix), { process, schedule }] as const),
    ),
  );

  app.get('/', async (request) => {
    const person = await authenticate(request.headers.authorization);
    requireRole(person, 'list schedules', 'operator', 'auditor');
    const listed: ListedSchedule[] = [];
    for await (const summary of client.schedule.list()) {
      const ours = declared.get(summary.scheduleId);
      if (ours) listed.push(listedSchedule(summary, ours.process.name, ours.schedule.description));
    }
    return listed.sort((a, b) => a.schedule.localeCompare(b.schedule));
  });

  /** A change to a schedule: the operator, the schedule (one of this engine's), the change, the log. */
  const change = <Extra extends z.ZodRawShape>(
    action: string,
    extra: Extra,
    act: (id: string, body: z.infer<z.ZodObject<Extra>> & { reason: string }, who: string) => Promise<object>,
  ) =>
    app.post(
      `/:schedule/${action}`,
      { schema: { params: z.object({ schedule: plainText(300).min(1) }), body: z.object({ reason: operatorReason, ...extra }) } },
      async (request) => {
        const person = await authenticate(request.headers.authorization);
        requireRole(person, `${action} schedules`, 'operator');
        const { schedule } = request.params;
        if (!declared.has(schedule))
          throw new Refusal(404, 'no_such_schedule', `no schedule ${schedule}: one of ${[...declared.keys()].join(', ')}`);
        const body = request.body as z.infer<z.ZodObject<Extra>> & { reason: string };
        try {
          const result = { schedule, ...(await act(schedule, body, person.email)) };
          await log.record({ actor: person.email, action: `schedule-${action}`, target: schedule, reason: body.reason, detail: result });
          return result;
        } catch (error) {
          if (error instanceof ScheduleNotFoundError)
            throw new Refusal(404, 'no_such_schedule', `schedule ${schedule} is not declared yet: start the engine's workers`);
          throw error;
        }
      },
    );

  const handle = (id: string) => client.schedule.getHandle(id);
  change('pause', {}, async (id, { reason }, who) => {
    await handle(id).pause(`paused by ${who}: ${reason}`);
    return { paused: true };
  });
  change('unpause', {}, async (id, { reason }, who) => {
    await handle(id).unpause(`resumed by ${who}: ${reason}`);
    return { paused: false };
  });
  change('trigger', {}, async (id) => {
    // Now, even if a run of it is still going: an operator who asks for one wants one.
    await handle(id).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
    return { triggered: true };
  });
  change('backfill', { from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) }, async (id, { from, to }) => {
    const start = new Date(from);
    const end = new Date(to);
    if (end <= start) throw new Refusal(400, 'bad_range', '`to` must be after `from`');
    // Every time missed in the range runs, one after another.
    await handle(id).backfill({ start, end, overlap: ScheduleOverlapPolicy.BUFFER_ALL });
    return { backfilled: { from: start.toISOString(), to: end.toISOString() } };
  });
};

function listedSchedule(summary: ScheduleSummary, process: string, description: string): ListedSchedule {
  const last = summary.info.recentActions.at(-1);
  return {
    schedule: summary.scheduleId,
    process,
    description,
    paused: summary.state.paused,
    note: summary.state.paused ? summary.state.note : undefined,
    nextRun: summary.info.nextActionTimes[0]?.toISOString(),
    lastRun: last?.takenAt.toISOString(),
    lastWorkflowId: last?.action.workflow.workflowId,
  };
}
