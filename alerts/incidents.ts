import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { onTaskQueues, quoted } from '../contracts/visibility';

/**
 * What needs a person, as the engine finds it each time it looks: a run that failed (and nobody has retried), a run in
 * a step longer than its process expects, a task past its deadline and still open after the grace it was given, a
 * system paused by an operator, the intake refusing a sender's events. Each is keyed, so the same trouble seen again is the same incident. Only ids and names of steps:
 * never a failure's message or a task's title, which may hold personal data and are encrypted in Temporal.
 */

export interface Incident {
  /**
   * The same trouble always has the same key: `run-failed:<workflow id>`, `step-stuck:<workflow id>:<step>`,
   * `task-overdue:<task id>`, `system-paused:<system>`, `intake-refusing`.
   */
  key: string;
  kind: 'run-failed' | 'step-stuck' | 'task-overdue' | 'system-paused' | 'intake-refusing';
  /** One line for a subject or a chat message. */
  title: string;
  /** The run it is about, for the link to the Temporal UI. */
  workflowId?: string;
  /** The command that repairs it. */
  repair: string;
}

export interface IncidentScope {
  /** The engine's task queues: its runs, where several engines share a namespace. */
  taskQueues: string[];
  /** The engine's suffix, for what it keeps per engine in the database (paused systems). */
  engine: string;
  /** A task this long past its deadline, still open, is an incident. */
  taskGraceMs: number;
  /** Failed runs closed this long ago or less are looked at. */
  lookbackMs: number;
  /** How long a run may stay in a step, by process and step (the definitions' `expectations`). */
  expectations: { process: string; step: string; ms: number }[];
}

/** Runs that failed or timed out, whose workflow has not run again since (a retry starts a new run). */
async function failedRuns(client: Client, scope: IncidentScope): Promise<Incident[]> {
  const since = new Date(Date.now() - scope.lookbackMs).toISOString();
  const query = [
    '(ExecutionStatus = "Failed" OR ExecutionStatus = "TimedOut")',
    `CloseTime > ${quoted(since)}`,
    onTaskQueues(scope.taskQueues),
  ].join(' AND ');
  const incidents: Incident[] = [];
  for await (const run of client.workflow.list({ query })) {
    const newest = await client.workflow.getHandle(run.workflowId).describe();
    if (newest.runId !== run.runId) continue;
    incidents.push({
      key: `run-failed:${run.workflowId}`,
      kind: 'run-failed',
      title: `${run.workflowId} ${run.status.name === 'TIMED_OUT' ? 'timed out' : 'failed'}`,
      workflowId: run.workflowId,
      repair: `officeflow status ${run.workflowId}, then officeflow retry ${run.workflowId} --reason "…"`,
    });
  }
  return incidents;
}

/**
 * Runs in a step longer than their process expects, by the event log. A run that ended without saying so (terminated
 * by an operator, timed out) is marked ended there instead: the log hears of a run's end only from the run.
 */
async function stuckSteps(client: Client, pool: Pool, scope: IncidentScope): Promise<Incident[]> {
  if (scope.expectations.length === 0) return [];
  const { rows } = await pool.query<{ runId: string; workflowId: string; step: string; minutes: number }>(
    `SELECT r.run_id AS "runId", r.workflow_id AS "workflowId", r.step,
            floor(extract(epoch FROM now() - r.step_since) / 60)::int AS minutes
       FROM process_runs r JOIN jsonb_to_recordset($2) AS x(process text, step text, ms bigint)
         ON x.process = r.process AND x.step = r.step
      WHERE r.ended_at IS NULL AND r.task_queue = ANY($1) AND r.step_since < now() - make_interval(secs => x.ms / 1000.0)
      ORDER BY r.step_since LIMIT 500`,
    [scope.taskQueues, JSON.stringify(scope.expectations)],
  );
  const incidents: Incident[] = [];
  for (const run of rows) {
    const { status, closeTime } = await client.workflow.getHandle(run.workflowId, run.runId).describe();
    if (status.name !== 'RUNNING') {
      await pool.query(`UPDATE process_runs SET ended_at = $2, outcome = $3 WHERE run_id = $1 AND ended_at IS NULL`, [
        run.runId,
        closeTime ?? new Date(),
        status.name.toLowerCase().replaceAll('_', '-'),
      ]);
      continue;
    }
    incidents.push({
      key: `step-stuck:${run.workflowId}:${run.step}`,
      kind: 'step-stuck',
      title: `${run.workflowId} has been at ${run.step} for ${run.minutes} minute(s), longer than its process expects`,
      workflowId: run.workflowId,
      repair: `officeflow status ${run.workflowId} shows what it waits for; officeflow systems, if its system is down`,
    });
  }
  return incidents;
}

/** Open tasks past their deadline and the grace after it: escalated or not, nobody has decided them. */
async function overdueTasks(pool: Pool, scope: IncidentScope): Promise<Incident[]> {
  const { rows } = await pool.query<{ taskId: string; workflowId: string; team: string | null; days: number }>(
    `SELECT task_id AS "taskId", workflow_id AS "workflowId", team,
            floor(extract(epoch FROM now() - deadline) / 86400)::int AS days
       FROM human_tasks WHERE status = 'open' AND deadline < now() - make_interval(secs => $1) ORDER BY deadline LIMIT 500`,
    [scope.taskGraceMs / 1000],
  );
  return rows.map((task) => ({
    key: `task-overdue:${task.taskId}`,
    kind: 'task-overdue',
    title: `task ${task.taskId}${task.team ? ` (${task.team})` : ''} is ${task.days > 0 ? `${task.days} day(s) ` : ''}past its deadline, undecided`,
    workflowId: task.workflowId,
    repair: `officeflow tasks --as <its team's manager>, or decide it in the inbox`,
  }));
}

async function pausedSystems(pool: Pool, scope: IncidentScope): Promise<Incident[]> {
  const { rows } = await pool.query<{ system: string; reason: string; pausedBy: string }>(
    `SELECT system, reason, paused_by AS "pausedBy" FROM system_pauses WHERE engine = $1 AND state = 'paused'`,
    [scope.engine],
  );
  return rows.map(({ system, reason, pausedBy }) => ({
    key: `system-paused:${system}`,
    kind: 'system-paused',
    title: `${system} is paused by ${pausedBy}: ${reason}`,
    repair: `officeflow resume ${system} --reason "…" once it is back`,
  }));
}

/** Refused this share of its events or more (and at least `REFUSALS_AT_LEAST` of them), the intake is an incident. */
const REFUSED_SHARE = 0.1;
const REFUSALS_AT_LEAST = 10;

/** The intake refusing a sender's events (a wrong secret, a changed schema) in the last 15 minutes, as Prometheus's rule. */
async function refusedEvents(pool: Pool, scope: IncidentScope): Promise<Incident[]> {
  const { rows } = await pool.query<{ answered: number; refused: number }>(
    `SELECT coalesce(sum(answered), 0)::int AS answered, coalesce(sum(refused), 0)::int AS refused
       FROM intake_answers WHERE engine = $1 AND minute > now() - interval '15 minutes'`,
    [scope.engine],
  );
  const { answered, refused } = rows[0];
  if (refused < REFUSALS_AT_LEAST || refused < REFUSED_SHARE * answered) return [];
  return [
    {
      key: 'intake-refusing',
      kind: 'intake-refusing',
      title: `the intake is refusing events (${refused} of ${answered} in the last 15 minutes)`,
      repair: `the intake's log names each refusal and why (signature, scope, schema): fix the sender's secret or events`,
    },
  ];
}

/** Every incident now. */
export async function incidentsNow(client: Client, pool: Pool, scope: IncidentScope): Promise<Incident[]> {
  const found = await Promise.all([
    failedRuns(client, scope),
    stuckSteps(client, pool, scope),
    overdueTasks(pool, scope),
    pausedSystems(pool, scope),
    refusedEvents(pool, scope),
  ]);
  return found.flat();
}
