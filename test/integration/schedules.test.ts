import { TEST_AUDITOR, TEST_OPERATOR, type TestEngine, eventually, mailTo, startTestEngine, uniqueId } from '../support/engine';
import { officeflowCli } from '../support/cli';
import type { ListedSchedule } from '../../web/schedules';

/**
 * Schedules declared in a definition run on the real Temporal server at their time: the overdue-tasks digest, every
 * two seconds here instead of Monday mornings, e-mails each team's manager the team's tasks past their deadline, once
 * per run. Operators list the schedules with their next and last run, and pause one with a reason that is logged.
 */
let engine: TestEngine;
const team = uniqueId('Team');
const manager = `${uniqueId('manager')}@digest.test`;
const everyoneElse = `${uniqueId('ops')}@digest.test`;
beforeAll(async () => {
  engine = await startTestEngine({
    settings: { 'overdue-tasks-digest': { managers: { [team]: manager }, everyoneElse } },
    schedules: { 'overdue-tasks-digest:weekly': { every: '2 seconds' } },
  });
});
afterAll(async () => {
  await engine.client.schedule.getHandle(scheduleId()).delete();
  await engine.stop();
});

const scheduleId = () => `overdue-tasks-digest:weekly${engine.queueSuffix}`;

/** A task of the test's team, open past its deadline. */
async function overdueTask(title: string) {
  const taskId = uniqueId('task');
  await engine.pool.query(
    `INSERT INTO human_tasks (task_id, workflow_id, title, details, assignee, deadline, team)
     VALUES ($1, $2, $3, '', 'clerk@digest.test', now() - interval '2 days', $4)`,
    [taskId, uniqueId('contract-approval-K'), title, team],
  );
  return taskId;
}

it('runs the digest at its time, telling the team’s manager of each overdue task once per run', async () => {
  const title = `Approve contract ${uniqueId('K')}`;
  await overdueTask(title);
  const digest = await eventually(async () => (await mailTo(manager)).find((mail) => mail.text?.includes(title)), 'the digest', 30_000);
  expect(digest.subject).toBe(`1 task(s) of ${team} past their deadline`);
  expect(digest.text).toContain('held by clerk@digest.test');

  // Each run of the schedule is a run of its own in Temporal, started by the schedule.
  const runs = [];
  for await (const run of engine.client.workflow.list({ query: `TemporalScheduledById = "${scheduleId()}"` })) runs.push(run);
  expect(runs.length).toBeGreaterThanOrEqual(1);
  expect(runs.every((run) => run.workflowId.startsWith(`overdue-tasks-digest-weekly${engine.queueSuffix}-`))).toBe(true);
  // A run sends its team's digest once, however often its steps ran.
  const mails = await mailTo(manager);
  const completed = runs.filter((run) => run.status.name === 'COMPLETED').length;
  expect(mails.length).toBeGreaterThanOrEqual(completed);
  expect(mails.length).toBeLessThanOrEqual(runs.length);
  const finished = await eventually(async () => {
    for await (const run of engine.client.workflow.list({
      query: `TemporalScheduledById = "${scheduleId()}" AND ExecutionStatus = "Completed"`,
    }))
      return run;
    return undefined;
  }, 'a finished digest');
  await engine.keepHistory(finished.workflowId, 'digest-to-one-team');
});

it('lists the schedule with its next and last run, and pauses it for an operator, with the reason logged', async () => {
  const cli = officeflowCli(engine);
  const listed = await eventually(async () => {
    const all = await cli.json<ListedSchedule[]>('schedules', '--as', TEST_AUDITOR);
    return all.find((schedule) => schedule.schedule === scheduleId() && schedule.lastRun);
  }, 'the listed schedule');
  expect(listed).toMatchObject({ process: 'overdue-tasks-digest', paused: false });
  expect(new Date(listed.nextRun!).getTime()).toBeGreaterThan(Date.now() - 2_000);

  // An auditor reads, and changes nothing.
  const refused = await cli.run('schedules', 'pause', scheduleId(), '--reason', 'quiet week', '--as', TEST_AUDITOR);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('only operators may pause schedules');

  await cli.json('schedules', 'pause', scheduleId(), '--reason', 'quiet week', '--as', TEST_OPERATOR);
  const paused = (await cli.json<ListedSchedule[]>('schedules', '--as', TEST_OPERATOR)).find((s) => s.schedule === scheduleId());
  expect(paused).toMatchObject({ paused: true, note: `paused by ${TEST_OPERATOR}: quiet week` });
  // Paused, it starts nothing more.
  const before = (await engine.client.schedule.getHandle(scheduleId()).describe()).info.numActionsTaken;
  await new Promise((resolve) => setTimeout(resolve, 4_500));
  expect((await engine.client.schedule.getHandle(scheduleId()).describe()).info.numActionsTaken).toBe(before);

  const log = await cli.json<Array<{ action: string; target: string; reason: string }>>('operator-actions', '--as', TEST_AUDITOR);
  expect(log).toContainEqual(expect.objectContaining({ action: 'schedule-pause', target: scheduleId(), reason: 'quiet week' }));

  // Triggered by hand while paused, it runs once now.
  await cli.json('schedules', 'trigger', scheduleId(), '--reason', 'the board meets today', '--as', TEST_OPERATOR);
  await eventually(
    async () => ((await engine.client.schedule.getHandle(scheduleId()).describe()).info.numActionsTaken > before ? true : undefined),
    'the triggered run',
  );
});

it('refuses a schedule that is not this engine’s, naming the ones it has', async () => {
  const cli = officeflowCli(engine);
  const refused = await cli.run('schedules', 'pause', 'payroll:monthly', '--reason', 'x', '--as', TEST_OPERATOR);
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toContain('no schedule payroll:monthly');
  expect(refused.stderr).toContain(scheduleId());
});
