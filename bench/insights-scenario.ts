import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { type DemoStage, playDemo } from '../cli/demo';
import { tokenFor } from '../cli/tasks';
import type { Config } from '../config';
import type { DemoPath, ProcessDefinition } from '../definitions/define';
import { ESCALATED, pathKey } from '../contracts/process-events';
import type { ProcessInsights } from '../insights/report';
import { stockFor } from './burst';
import { type RunHistory, runHistory } from './run-history';
import { percentile } from './statistics';

/** A running engine as the scenario drives it from outside, and whom it reads the insights as. */
export interface ScenarioTarget {
  client: Client;
  pool: Pool;
  config: Config;
  intakeUrl: string;
  /** The processes the engine runs. */
  registry: ProcessDefinition[];
  /** An auditor (or operator): who reads the insights. */
  reader: string;
}

export interface ScenarioOptions {
  /** Runs of each process, taking its demo and its paths in turn: each path once unless said. */
  runsPerProcess?: number;
  /** Only these processes; every one in the registry unless said. */
  processes?: string[];
  timeoutMs?: number;
}

/** One run as the scenario drove it: the path it played, who it let escalate, and how long it held where. */
export interface DrivenRun {
  process: string;
  path: string;
  workflowId: string;
  /** What the path says happens: its tasks' verdicts and escalations. */
  declared: { verdicts: Record<string, string>; escalates: string[] };
  decided: Record<string, string>;
  escalated: string[];
  /** What it held before deciding a task or sending an event (`what`), whom the run waited on meanwhile, and whether a task was open. */
  holds: Array<{ what: string; step: string; on?: string; people: boolean; seconds: number }>;
}

export interface ProcessCheck {
  process: string;
  paths: Record<string, number>;
  report: ProcessInsights;
  /** Cycle times as Temporal recorded them: p50 and p90, in seconds. */
  temporal: { p50: number; p90: number };
  /** What the insights say that the driven runs and their histories do not. */
  mismatches: string[];
}

export interface ScenarioReport {
  seconds: number;
  processes: ProcessCheck[];
  ok: boolean;
}

/** Each process's `demo.quickSettings`, as an engine the scenario drives is started with. */
export const quickSettingsOf = (registry: ProcessDefinition[]): Record<string, object> =>
  Object.fromEntries(registry.flatMap(({ name, demo }) => (demo.quickSettings ? [[name, demo.quickSettings as object]] : [])));

/** The customer the catalog's examples name. */
export const EXAMPLE_CUSTOMER = 'ACC-1001';

/** Held before a decision or an event: between 0.3 and 1.5 s, well inside the quick settings' deadlines. */
const holdMs = () => 300 + Math.floor(Math.random() * 1200);

/** Its demo first, then each of its paths, by name. */
const pathsOf = (process: ProcessDefinition) => ['demo', ...Object.keys(process.demo.paths ?? {})];

/**
 * Drives runs of every process down each of its paths (its demo's `paths`: approved, escalated, change requested,
 * rescinded, dunned), holding a moment before each decision and event; then reads `GET /insights/<process>` and
 * checks it against what was driven and what Temporal recorded of each run: the runs and their outcomes, cycle times,
 * the variants and their escalations, the time in each step and waiting on each party, to the second.
 */
export async function runInsightsScenario(target: ScenarioTarget, options: ScenarioOptions): Promise<ScenarioReport> {
  const chosen = target.registry.filter((process) => !options.processes || options.processes.includes(process.name));
  const unknown = (options.processes ?? []).filter((name) => !target.registry.some((process) => process.name === name));
  if (unknown.length > 0) throw new Error(`no process is named ${unknown.join(', ')}`);
  const batch = randomUUID().slice(0, 8).toUpperCase();
  const since = new Date(Date.now() - 1000);
  const until = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  const stage: DemoStage = {
    client: target.client,
    config: target.config,
    intakeUrl: target.intakeUrl,
    secret: target.config.WEBHOOK_SECRETS[0],
    say: () => undefined,
    until,
  };
  const runsOf = (process: ProcessDefinition) => options.runsPerProcess ?? pathsOf(process).length;
  const orderToCash = chosen.find((process) => process.name === 'order-to-cash');
  if (orderToCash) await stockFor(target.pool, runsOf(orderToCash));

  /** One process's runs, one after the other. */
  const drive = async (process: ProcessDefinition): Promise<DrivenRun[]> => {
    const abbreviation = process.name
      .split('-')
      .map((word) => word[0].toUpperCase())
      .join('');
    const runs: DrivenRun[] = [];
    for (let i = 0; i < runsOf(process); i++) {
      const path = pathsOf(process)[i % pathsOf(process).length];
      const holds: DrivenRun['holds'] = [];
      const hold: DemoStage['hold'] = ({ step, waitingOn, openTasks }, what) => {
        const ms = holdMs();
        holds.push({ what, step, on: waitingOn, people: (openTasks ?? []).length > 0, seconds: ms / 1000 });
        return ms;
      };
      const businessKey = `SCN-${batch}-${abbreviation}${i + 1}`;
      // A customer of the run's own: other runs' open invoices of the examples' customer never stand beside its payment.
      const played = await playDemo(
        process,
        { ...stage, hold },
        { businessKey, rekey: { [EXAMPLE_CUSTOMER]: `${businessKey}-ACC` }, ...(path === 'demo' ? {} : { path }) },
      );
      const declared: DemoPath = path === 'demo' ? { description: 'the demo' } : process.demo.paths![path];
      runs.push({
        process: process.name,
        path,
        workflowId: played.workflowId,
        declared: { verdicts: declared.verdicts ?? {}, escalates: declared.escalates ?? [] },
        decided: played.decided,
        escalated: played.escalated,
        holds,
      });
    }
    return runs;
  };

  const started = Date.now();
  const driven = await Promise.all(chosen.map(drive));
  const seconds = (Date.now() - started) / 1000;
  const token = await tokenFor(target.config, { as: target.reader });
  const checks: ProcessCheck[] = [];
  for (const runs of driven) {
    const { process } = runs[0] ?? {};
    if (!process) continue;
    const url = new URL(`/insights/${process}?since=${since.toISOString()}`, target.intakeUrl);
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`GET ${url.pathname} answered ${response.status}: ${await response.text()}`);
    const report = (await response.json()) as ProcessInsights;
    const histories = await Promise.all(runs.map((run) => runHistory(target.client, run.workflowId)));
    checks.push(checkInsights(report, runs, histories));
  }
  return { seconds, processes: checks, ok: checks.every((check) => check.mismatches.length === 0) };
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const countBy = (keys: string[]) =>
  keys.reduce<Record<string, number>>((counts, key) => ({ ...counts, [key]: (counts[key] ?? 0) + 1 }), {});
const sameCounts = (a: Record<string, number>, b: Record<string, number>) =>
  Object.keys({ ...a, ...b }).every((key) => (a[key] ?? 0) === (b[key] ?? 0));

/** What a process's insights say that its driven runs and their histories do not: seconds agree to the second. */
export function checkInsights(report: ProcessInsights, runs: DrivenRun[], histories: RunHistory[]): ProcessCheck {
  const mismatches: string[] = [];
  const differ = (what: string, reported: unknown, expected: unknown) =>
    mismatches.push(`${what}: the insights say ${JSON.stringify(reported)}, the runs ${JSON.stringify(expected)}`);
  const finished = histories.filter((history) => history.cycleSeconds !== undefined);
  // Each path did what it says: its verdicts given, its escalations seen.
  for (const run of runs) {
    for (const [task, verdict] of Object.entries(run.declared.verdicts))
      if (run.decided[task] !== verdict) differ(`${run.workflowId} (${run.path}) ${task}`, run.decided[task] ?? 'not decided', verdict);
    for (const task of run.declared.escalates)
      if (!run.escalated.includes(task)) differ(`${run.workflowId} (${run.path}) ${task}`, 'not escalated', 'escalated');
  }

  const runCounts = { started: runs.length, finished: finished.length, running: runs.length - finished.length };
  const { outcomes, ...reportedCounts } = report.runs;
  if (!sameCounts(reportedCounts, runCounts)) differ('runs', reportedCounts, runCounts);
  const expectedOutcomes = countBy(finished.map((history) => history.outcome!));
  if (!sameCounts(outcomes, expectedOutcomes)) differ('outcomes', outcomes, expectedOutcomes);

  const cycles = finished.map((history) => history.cycleSeconds!);
  const temporal = { p50: percentile(cycles, 50), p90: percentile(cycles, 90) };
  for (const q of ['p50', 'p90'] as const)
    if (cycles.length && Math.abs((report.cycleTime?.[q] ?? -1) - temporal[q]) > 1)
      differ(`cycle time ${q}`, report.cycleTime?.[q], temporal[q]);

  // The variants by their steps; escalations counted apart (a stage's escalation shows in its assignees only).
  const reportedPaths: Record<string, number> = {};
  const reportedEscalations: Record<string, number> = {};
  for (const { path, runs: count } of report.variants) {
    const steps = pathKey(path.filter((step) => !step.endsWith(ESCALATED)));
    reportedPaths[steps] = (reportedPaths[steps] ?? 0) + count;
    for (const task of path.filter((step) => step.endsWith(ESCALATED)).map((step) => step.slice(0, -ESCALATED.length)))
      reportedEscalations[task] = (reportedEscalations[task] ?? 0) + count;
  }
  const expectedPaths = countBy(finished.map((history) => pathKey(history.steps)));
  if (!sameCounts(reportedPaths, expectedPaths)) differ('variants', reportedPaths, expectedPaths);
  const finishedIds = new Set(finished.map((history) => history.workflowId));
  const expectedEscalations = countBy(runs.filter((run) => finishedIds.has(run.workflowId)).flatMap((run) => run.escalated));
  if (!sameCounts(reportedEscalations, expectedEscalations)) differ('escalations', reportedEscalations, expectedEscalations);

  const intervals = histories.flatMap((history) => history.intervals.map((interval) => ({ ...interval, run: history.workflowId })));
  const totalsBy = (key: (interval: (typeof intervals)[number]) => string | undefined) => {
    const totals = new Map<string, { seconds: number; runs: Set<string> }>();
    for (const interval of intervals) {
      const name = key(interval);
      if (name === undefined) continue;
      const total = totals.get(name) ?? { seconds: 0, runs: new Set() };
      total.seconds += interval.seconds;
      total.runs.add(interval.run);
      totals.set(name, total);
    }
    return totals;
  };
  for (const [step, { seconds, runs: ran }] of totalsBy((interval) => interval.step)) {
    const reported = report.steps.find((entry) => entry.step === step);
    if (!reported || reported.runs !== ran.size || Math.abs(reported.total - seconds) > 1)
      differ(`step ${step}`, reported && { runs: reported.runs, total: reported.total }, {
        runs: ran.size,
        total: Math.round(seconds * 10) / 10,
      });
  }
  const reportedWaits = (on: string) => report.waitingOn.filter((wait) => wait.on === on);
  for (const [on, { seconds }] of totalsBy((interval) => interval.waitingOn)) {
    const reported = sum(reportedWaits(on).map((wait) => wait.total));
    if (Math.abs(reported - seconds) > 1) differ(`waiting on ${on}`, Math.round(reported * 10) / 10, Math.round(seconds * 10) / 10);
  }

  // What the scenario itself held: every decision and event came at least that long after the run waited for it. A
  // run's stay in the step it is in now does not count yet; in a step where tasks open, the wait before they open is
  // the run's work.
  const historyOf = new Map(histories.map((history) => [history.workflowId, history]));
  const counted = runs.flatMap((run) => {
    const history = historyOf.get(run.workflowId)!;
    return run.holds.filter((hold) => history.cycleSeconds !== undefined || hold.step !== history.steps.at(-1));
  });
  const taskSteps = new Set(counted.filter((hold) => hold.people).map((hold) => hold.step));
  for (const people of [true, false]) {
    const kind = people ? 'people' : 'outside';
    const held = counted.filter((hold) => hold.people === people && hold.on && (people || !taskSteps.has(hold.step)));
    for (const on of new Set(held.map((hold) => hold.on!))) {
      const seconds = sum(held.filter((hold) => hold.on === on).map((hold) => hold.seconds));
      const reported = sum(
        reportedWaits(on)
          .filter((wait) => wait.kind === kind)
          .map((wait) => wait.total),
      );
      if (reported < seconds - 0.1)
        differ(`${kind} waiting on ${on}, at least what the scenario held`, reported, Math.round(seconds * 10) / 10);
    }
  }
  if (finished.length >= 2 && !report.predictions?.predictions) differ('predictions over finished runs', report.predictions, 'some');
  return { process: report.process, paths: countBy(runs.map((run) => run.path)), report, temporal, mismatches };
}
