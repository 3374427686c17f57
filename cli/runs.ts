import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow';
import type { Command } from 'commander';
import type { Config } from '../config';
import type { Progress } from '../contracts/progress';
import { processes } from '../definitions';
import { BusinessKey, ProcessStep, WaitDeadline, WaitingOn } from '../contracts/search-attributes';
import { onTaskQueues, quoted } from '../contracts/visibility';
import { progressQuery } from '../workflows/progress';
import { uiLink, withTemporal } from './engine';
import { CommandRefused, EXIT, type OutputOptions, answer, busy, table } from './output';
import { type Identity, askIntake, tokenOption } from './tasks';
import { humanDuration } from '../insights/durations';
import type { RunningCase } from '../insights/report';

/** The process a workflow type belongs to. */
const processOfType = (type: string) => processes.find((process) => process.workflow.name === type)?.name ?? type;

function processNamed(name: string) {
  const process = processes.find((p) => p.name === name);
  if (!process) throw new CommandRefused(`no process "${name}": one of ${processes.map((p) => p.name).join(', ')}`, EXIT.usage);
  return process;
}

/** The runs of one process, by name. */
const ofProcess = (name: string) => `WorkflowType = ${quoted(processNamed(name).workflow.name)}`;

/** This engine's runs only, where several share a namespace (TASK_QUEUE_SUFFIX): by their task queues. */
function engineScope(config: Config): string[] {
  if (!config.TASK_QUEUE_SUFFIX) return [];
  const queues = [...new Set(processes.map((process) => process.taskQueue + config.TASK_QUEUE_SUFFIX))];
  return [onTaskQueues(queues)];
}

export interface RunFilter {
  /** A process's saved query, `<process>:<name>`. */
  saved?: string;
  process?: string;
  step?: string;
  waitingOn?: string;
  pastDeadline?: boolean;
  /** Waiting with a deadline before this time: what will be overdue by then. */
  deadlineBefore?: string;
  /** Running unless said (a saved query says for itself). */
  status?: string;
}

/** The Temporal visibility query for a filter: the same text an operator can paste into the UI's search. */
export function runsQuery(filter: RunFilter, config: Config, now = new Date()): string {
  const clauses = [
    ...(filter.saved ? savedQuery(filter.saved, now) : []),
    ...(filter.process ? [ofProcess(filter.process)] : []),
    ...(filter.step ? [`${ProcessStep.name} = ${quoted(filter.step)}`] : []),
    ...(filter.waitingOn ? [`${WaitingOn.name} = ${quoted(filter.waitingOn)}`] : []),
    ...(filter.pastDeadline ? [`${WaitDeadline.name} < ${quoted(now.toISOString())}`] : []),
    ...(filter.deadlineBefore ? [`${WaitDeadline.name} < ${quoted(instant(filter.deadlineBefore))}`] : []),
    ...statusClause(filter.status ?? (filter.saved ? 'all' : 'running')),
    ...engineScope(config),
  ];
  return clauses.join(' AND ');
}

/** A saved query with its time filled in, scoped to its process's runs. */
function savedQuery(saved: string, now: Date): string[] {
  const [processName, name] = saved.split(':');
  const process = processNamed(processName);
  const query = process.savedQueries[name];
  if (!query) {
    const names = Object.keys(process.savedQueries).map((known) => `${process.name}:${known}`);
    throw new CommandRefused(`no saved query "${saved}": one of ${names.join(', ')}`, EXIT.usage);
  }
  return [ofProcess(process.name), `(${query.query.replaceAll('{now}', now.toISOString())})`];
}

function instant(text: string): string {
  const time = new Date(text);
  if (Number.isNaN(time.getTime()))
    throw new CommandRefused(`--deadline-before must be a date or time, e.g. 2026-12-01T09:00:00Z`, EXIT.usage);
  return time.toISOString();
}

/** One status, or several separated by commas (`running,failed`). */
function statusClause(status: string): string[] {
  if (status === 'all') return [];
  const statuses = status.split(',').map((one) => {
    if (!STATUSES.includes(one.trim()) || one.trim() === 'all')
      throw new CommandRefused(`--status must be one of ${STATUSES.join(', ')} (or several, joined by commas)`, EXIT.usage);
    return `ExecutionStatus = ${quoted(statusName(one.trim()))}`;
  });
  return [statuses.length === 1 ? statuses[0] : `(${statuses.join(' OR ')})`];
}

const STATUSES = ['running', 'completed', 'failed', 'canceled', 'terminated', 'timed-out', 'continued-as-new', 'all'];

/** Visibility's name of a status: `timed-out` is `TimedOut`. */
const statusName = (status: string) =>
  status
    .split('-')
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('');

/** A run as the list shows it: the business key, where it stands, and whether it is past its deadline. */
function listed(run: WorkflowExecutionInfo, now: Date) {
  const deadline = run.typedSearchAttributes.get(WaitDeadline);
  return {
    businessKey: run.typedSearchAttributes.get(BusinessKey),
    process: processOfType(run.type),
    status: run.status.name,
    step: run.typedSearchAttributes.get(ProcessStep),
    waitingOn: run.typedSearchAttributes.get(WaitingOn),
    deadline: deadline?.toISOString(),
    pastDeadline: run.status.name === 'RUNNING' && deadline !== undefined && deadline < now,
    workflowId: run.workflowId,
    runId: run.runId,
    startTime: run.startTime.toISOString(),
  };
}

async function listRuns(client: Client, query: string, limit: number, now: Date) {
  const runs = [];
  for await (const run of client.workflow.list({ query })) {
    runs.push(listed(run, now));
    if (runs.length >= limit) break;
  }
  return runs;
}

/** The runs of a business key (or, for runs started before business keys, the run of that workflow id). */
async function runsOf(client: Client, key: string, config: Config, processName?: string) {
  const now = new Date();
  const scope = [`${BusinessKey.name} = ${quoted(key)}`, ...(processName ? [ofProcess(processName)] : []), ...engineScope(config)];
  const found = await listRuns(client, scope.join(' AND '), 20, now);
  if (found.length > 0) return found;
  try {
    const { raw, ...run } = await client.workflow.getHandle(key).describe();
    return [listed({ ...run, raw: raw.workflowExecutionInfo! } as WorkflowExecutionInfo, now)];
  } catch {
    throw new CommandRefused(`no run has business key or workflow id "${key}"`, EXIT.notFound);
  }
}

/** The most recent run of a business key, for the commands that act on one. */
export async function runOf(client: Client, key: string, config: Config, processName?: string) {
  const runs = await runsOf(client, key, config, processName);
  if (runs.length > 1 && new Set(runs.map((run) => run.process)).size > 1) {
    throw new CommandRefused(`"${key}" names runs of ${runs.map((r) => r.process).join(' and ')}: say which with --process`, EXIT.usage);
  }
  return runs[0];
}

/** Everything an engineer asks of a run: summary, where it stands, open tasks, the last failure. */
async function statusOf(client: Client, run: Awaited<ReturnType<typeof runOf>>, config: Config) {
  const handle = client.workflow.getHandle(run.workflowId, run.runId);
  const description = await handle.describe();
  const progress = description.status.name === 'RUNNING' ? await handle.query<Progress>(progressQuery).catch(() => undefined) : undefined;
  const failing = description.raw.pendingActivities?.find((activity) => activity.lastFailure);
  // A step held while its system is paused (`officeflow pause`), or paused in the UI: it waits, and says why.
  const paused = description.raw.pendingActivities?.find((activity) => activity.paused);
  const lastFailure = failing
    ? {
        activity: failing.activityType?.name ?? '',
        attempt: failing.attempt ?? 0,
        // Failure messages are encrypted like payloads.
        message: failureMessage(
          await decodeOptionalFailureToOptionalError(client.workflow.options.loadedDataConverter, failing.lastFailure),
        ),
        nextAttempt: failing.nextAttemptScheduleTime ? 'scheduled' : undefined,
      }
    : description.status.name === 'FAILED'
      ? {
          activity: undefined,
          attempt: undefined,
          message: await handle.result().then(
            () => '',
            (error: Error) => failureMessage(error),
          ),
        }
      : undefined;
  return {
    ...run,
    status: description.status.name,
    summary: await description.staticSummary(),
    details: await description.staticDetails(),
    step: progress?.step ?? run.step,
    waitingOn: progress?.waitingOn ?? run.waitingOn,
    deadline: progress?.deadline ?? run.deadline,
    openTasks: progress?.openTasks ?? [],
    closeTime: description.closeTime?.toISOString(),
    lastFailure,
    paused: paused && {
      activity: paused.activityType?.name ?? '',
      why: paused.pauseInfo?.manual?.reason || 'paused',
    },
    ui: uiLink(config, run.workflowId),
  };
}

/** The innermost message of a failure chain: what actually went wrong. */
function failureMessage(error: Error | undefined): string {
  if (!error) return '';
  let cause: Error = error;
  while (cause.cause instanceof Error) cause = cause.cause;
  return cause.message;
}

function statusLines(status: Awaited<ReturnType<typeof statusOf>> & { expected?: RunningCase }): string {
  const lines = [
    `${status.process} ${status.businessKey ?? ''}`.trim() + `: ${status.summary ?? status.workflowId}`,
    `  status      ${status.status}${status.closeTime ? ` (${status.closeTime})` : ''}`,
    `  step        ${status.step ?? '-'}`,
    `  waiting on  ${status.waitingOn ?? '-'}${status.deadline ? ` until ${status.deadline}${status.pastDeadline ? ' (past deadline)' : ''}` : ''}`,
  ];
  if (status.paused) lines.push(`  held        ${status.paused.activity}: ${status.paused.why}`);
  const { prediction, olderThanAll } = status.expected ?? {};
  if (prediction)
    lines.push(
      `  expected    done in ${humanDuration(prediction.remaining.p50)} (likely ${humanDuration(prediction.remaining.p10)} to ` +
        `${humanDuration(prediction.remaining.p90)}), from ${prediction.cases} finished cases of the ${prediction.basis.replace('same ', '')}`,
    );
  else if (olderThanAll) lines.push(`  expected    unknown: older already than all ${olderThanAll} finished cases`);
  for (const task of status.openTasks)
    lines.push(`  open task   ${task.task}: ${task.assignee}${task.deadline ? `, due ${task.deadline}` : ''}`);
  if (status.lastFailure) {
    const where = status.lastFailure.activity ? `${status.lastFailure.activity}, attempt ${status.lastFailure.attempt}: ` : '';
    lines.push(`  last failure ${where}${status.lastFailure.message}`);
  }
  lines.push(`  workflow    ${status.workflowId} (run ${status.runId})`);
  if (status.ui) lines.push(`  in the UI   ${status.ui}`);
  return lines.join('\n');
}

/** `officeflow runs` and `officeflow status`: finding runs and reading one, as an operator would in the UI. */
export function addRunCommands(program: Command, config: () => Config): void {
  program
    .command('runs')
    .description('list runs by process, step, who they wait on, or past their deadline')
    .option('--saved <query>', 'a saved query, e.g. contract-approval:waiting-on-legal-past-deadline (officeflow queries lists them)')
    .option('--process <name>', 'one process, e.g. order-to-cash')
    .option('--step <step>', 'the step they are in, e.g. credit-review')
    .option('--waiting-on <who>', 'who they wait on, e.g. Finance')
    .option('--past-deadline', 'only those waiting past their deadline')
    .option('--deadline-before <time>', 'only those whose deadline is before this time: overdue by then')
    .option('--status <status>', `${STATUSES.join(', ')}, or several joined by commas (default: running)`)
    .option('--limit <n>', 'at most this many, newest first', (value) => Number.parseInt(value, 10), 50)
    .option('--json', 'print JSON, for scripts')
    .action(async (options: RunFilter & OutputOptions & { limit: number }) => {
      const now = new Date();
      const query = runsQuery(options, config(), now);
      const runs = await busy('searching runs', options, () =>
        withTemporal(config(), (client) => listRuns(client, query, options.limit, now)),
      );
      answer(options, { query, runs }, () =>
        [
          table(
            runs.map((run) => ({ ...run, deadline: run.deadline && `${run.deadline}${run.pastDeadline ? ' (past)' : ''}` })),
            { businessKey: 'KEY', process: 'PROCESS', status: 'STATUS', step: 'STEP', waitingOn: 'WAITING ON', deadline: 'DEADLINE' },
            'no runs',
          ),
          `\nquery: ${query}`,
        ].join('\n'),
      );
    });

  program
    .command('queries')
    .description('list each process’s saved queries, as `runs --saved` takes them and the Temporal UI’s search accepts them')
    .option('--json', 'print JSON, for scripts')
    .action((options: OutputOptions) => {
      const now = new Date();
      const queries = processes.flatMap((process) =>
        Object.entries(process.savedQueries).map(([name, saved]) => ({
          name: `${process.name}:${name}`,
          description: saved.description,
          query: savedQuery(`${process.name}:${name}`, now).join(' AND '),
        })),
      );
      answer(options, queries, () => queries.map((q) => `${q.name}\n  ${q.description}\n  ${q.query}`).join('\n\n'));
    });

  program
    .command('status')
    .description('show a run by its business key (a deal, account, contract or candidate id) or workflow id')
    .argument('<key>', 'e.g. D-2001, or order-to-cash-D-2001')
    .option('--process <name>', 'where the key names runs of several processes')
    .option('--as <email>', 'who you are, where officeflow signs tokens itself: with it, when the run is expected to be done')
    .addOption(tokenOption())
    .option('--intake <url>', 'the engine to ask for the prediction (default: the local one)')
    .option('--json', 'print JSON, for scripts')
    .action(async (key: string, options: OutputOptions & Identity & { process?: string; intake?: string }) => {
      const status = await busy(`reading ${key}`, options, () =>
        withTemporal(config(), async (client) => statusOf(client, await runOf(client, key, config(), options.process), config())),
      );
      // Its prediction comes from the event log, through the intake, for whoever may read its process's insights.
      const expected =
        status.status === 'RUNNING' && (options.as || options.token)
          ? await askIntake<{ running?: RunningCase }>(config(), options, `/insights/runs/${encodeURIComponent(status.workflowId)}`).then(
              (found) => found.running,
              // Not theirs to read, or no intake to ask: the run's status without it.
              (error: unknown) => {
                if (error instanceof CommandRefused) return undefined;
                throw error;
              },
            )
          : undefined;
      answer(options, { ...status, ...(expected ? { expected } : {}) }, statusLines);
    });
}
