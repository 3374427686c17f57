import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Config } from '../config';
import type { Verdict } from '../contracts/human-tasks';
import type { Progress } from '../contracts/progress';
import { processes, runInput } from '../definitions';
import type { DemoCounterpart, DemoPath, ProcessDefinition } from '../definitions/define';
import { exampleEvent } from '../web/events/catalog';
import { sendEvent } from '../web/events/send';
import { progressQuery } from '../workflows/progress';
import { localBankFolder, localIntakeUrl, uiLink, webhookSecret, withTemporal } from './engine';
import { CommandRefused, EXIT } from './output';
import { decideAs, signAsCustomer } from './people';
import { type ExampleDeal, type Salesperson, localSalesperson } from './salespeople';
import { payByTransfer } from './transfers';

/** What the demo plays against: a running engine, and where it says what happens. */
export interface DemoStage {
  client: Client;
  config: Config;
  intakeUrl: string;
  secret: string;
  say(line: string): void;
  /** A salesperson in the vendor's CRM the engine runs (HubSpot, Pipedrive): a deal is won there, and its webhook starts the run. */
  salesperson?: Salesperson;
  /** The folder the engine's bank drops statements into: a customer pays by transfer, which a statement brings. */
  bankFolder?: string;
  /**
   * Until when a run may take to come to rest, and the engine to answer again after a failure (a server restarted,
   * the intake answering 503): the burst and the chaos run outlast what they take away. Without it, a minute to rest
   * and no second try.
   */
  until?: number;
  /** How long to hold before deciding a task or sending an event (`what`: the task's name or the event's type), in ms: none unless said. */
  hold?: (progress: Progress, what: string) => number;
}

/** How long a run may take to come to rest after an event or a decision before the demo gives up on it. */
const REST_LIMIT_MS = 60_000;

const pause = (ms = 250) => new Promise((resolve) => setTimeout(resolve, ms));

/** A call to the engine, tried again after a failure until the stage's `until`. */
async function patiently<T>({ until }: DemoStage, attempt: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (until === undefined || Date.now() > until) throw error;
      await pause();
    }
  }
}

/** Throws for an intake's answer of 500 or more (a backend away for a while), so that the call is tried again. */
function unlessAway(status: number): void {
  if (status >= 500) throw new Error(`the intake answered ${status}`);
}

/**
 * Waits until a run has come to rest: finished, or its history no longer growing with no activity or workflow task
 * pending (it waits on a person, an event or a timer). Its progress then, or undefined once finished.
 */
async function comeToRest(handle: WorkflowHandle, stage: DemoStage): Promise<Progress | undefined> {
  let seen = -1;
  for (const until = stage.until ?? Date.now() + REST_LIMIT_MS; Date.now() < until; await pause()) {
    const { status, historyLength, raw } = await patiently(stage, () => handle.describe());
    if (status.name !== 'RUNNING') return undefined;
    const busy = (raw.pendingActivities?.length ?? 0) > 0 || raw.pendingWorkflowTask != null;
    if (!busy && historyLength === seen) return patiently(stage, () => handle.query<Progress>(progressQuery));
    seen = historyLength;
  }
  throw new Error(`${handle.workflowId} did not come to rest in time`);
}

/** Waits until a resting run hears something (its history grows past `length`: a statement's payment) or finishes. */
async function heardSince(handle: WorkflowHandle, stage: DemoStage, length: number): Promise<void> {
  for (const until = stage.until ?? Date.now() + REST_LIMIT_MS; Date.now() < until; await pause()) {
    const { status, historyLength } = await patiently(stage, () => handle.describe());
    if (status.name !== 'RUNNING' || historyLength > length) return;
  }
  throw new Error(`${handle.workflowId} heard of no payment in time`);
}

/** The people and systems outside officeflow the demo plays, by the name a definition gives them. */
const counterparts: Record<DemoCounterpart, (stage: DemoStage, workflowId: string) => Promise<string>> = {
  'customer-signs': async ({ config }, workflowId) => {
    const signed = await signAsCustomer(config, workflowId);
    if (!signed) throw new Error(`no envelope waits for the signature of ${workflowId}`);
    return `the customer signs envelope ${signed.envelopeId} -> ${signed.status}`;
  },
};

/** The business key of the run the examples of a process start (`D-2001`). */
export function exampleBusinessKey(process: ProcessDefinition): string {
  const trigger = process.triggers.find((t) => t.kind === 'start');
  if (trigger?.kind !== 'start') throw new Error(`${process.name} has no start trigger`);
  const event = exampleEvent(trigger);
  return process.describe(runInput(process, trigger, trigger.data.parse(event.data), event).data).businessKey;
}

/**
 * A value with `from` replaced by `to` in every string, however deep: an example event about another business object,
 * its own ids (a payment's `D-2001-PAY-1`) made from the business key apart from every other run's.
 */
const rekeyed = (value: unknown, from: string, to: string): unknown =>
  typeof value === 'string'
    ? value.replaceAll(from, to)
    : Array.isArray(value)
      ? value.map((item) => rekeyed(item, from, to))
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([name, item]) => [name, rekeyed(item, from, to)]))
        : value;

/** What became of a run the demo played: where it ended or rests, the tasks it decided, and those it saw pass to someone else. */
export interface PlayedRun {
  workflowId: string;
  outcome: string;
  decided: Record<string, Verdict>;
  escalated: string[];
}

/**
 * Plays one run of a process as its definition's `demo` says, or down one of its `paths`: sends its events, decides
 * its tasks, plays its counterparts; returns what became of the run. A run resting at a step whose deadline falls
 * within the stage's patience is waited for (it moves on by itself then); resting anywhere else the script does not
 * say what happens next throws, naming the step. With `businessKey`, the examples are about that business object
 * instead of their own (a run of its own, beside others).
 */
export async function playDemo(
  process: ProcessDefinition,
  stage: DemoStage,
  {
    businessKey,
    path: pathName,
    rekey = {},
  }: {
    businessKey?: string;
    path?: string;
    /** More of the examples' ids to replace, each by its own (`{ 'ACC-1001': 'ACC-7' }`: a customer of the run's own). */
    rekey?: Record<string, string>;
  } = {},
): Promise<PlayedRun> {
  const { demo } = process;
  const path: DemoPath = pathName ? (demo.paths?.[pathName] ?? missingPath(process, pathName)) : { description: 'the demo' };
  const exampleKey = exampleBusinessKey(process);
  const decided = new Map<string, Verdict>();
  const played = new Set<string>();
  const firstAssignee = new Map<string, string>();
  const escalated = new Set<string>();
  const hold = (progress: Progress, what: string) => pause(stage.hold?.(progress, what) ?? 0);
  const patience = () => stage.until ?? Date.now() + REST_LIMIT_MS;
  /** Moves on by itself before the stage's patience ends: a deadline, a reminder, an escalation. */
  const movesOnSoon = ({ deadline }: Progress) => deadline !== undefined && Date.parse(deadline) < patience();

  /**
   * Decides the run's open tasks and plays its counterparts until it rests on neither (and, with `untilStep`, at that
   * step): its progress then; undefined once finished. Tasks the path lets escalate wait until they passed on.
   */
  const playPeople = async (handle: WorkflowHandle, untilStep?: string): Promise<Progress | undefined> => {
    for (const giveUpAt = patience(); ;) {
      const progress = await comeToRest(handle, stage);
      if (!progress) return undefined;
      const open = progress.openTasks ?? [];
      for (const { task, assignee } of open) {
        if (!firstAssignee.has(task)) firstAssignee.set(task, assignee);
        else if (firstAssignee.get(task) !== assignee) escalated.add(task);
      }
      const waitingToEscalate = open.filter(({ task }) => path.escalates?.includes(task) && !escalated.has(task));
      const due = open.filter((open) => !decided.has(open.task) && !waitingToEscalate.includes(open));
      for (const { task, assignee } of due) {
        await hold(progress, task);
        const verdict = path.verdicts?.[task] ?? demo.verdict ?? 'approve';
        const status = await patiently(stage, async () => {
          const decided = await decideAs(
            stage.config,
            stage.intakeUrl,
            { workflowId: handle.workflowId, task, assignee },
            verdict,
            'decided in the demo',
          );
          unlessAway(decided);
          return decided;
        });
        stage.say(`  ${assignee}: ${verdict} ${task} -> ${status}`);
        // Refused when it passed to someone else meanwhile: they decide it at the run's next rest.
        if (status < 300) decided.set(task, verdict);
      }
      if (due.length > 0) continue;
      const counterpart = demo.plays?.[progress.step];
      if (counterpart && !played.has(progress.step)) {
        played.add(progress.step);
        stage.say(`  ${await patiently(stage, () => counterparts[counterpart](stage, handle.workflowId))}`);
        continue;
      }
      if (waitingToEscalate.length === 0 && (untilStep === undefined || progress.step === untilStep)) return progress;
      if (Date.now() > giveUpAt) throw new Error(`${handle.workflowId} did not reach ${untilStep ?? 'its escalation'} in time`);
      await pause();
    }
  };

  let handle: WorkflowHandle | undefined;
  let key = businessKey;
  // A run that tells a CRM deal (a contract's opportunity) needs the deal in the vendor's CRM, where the engine runs one.
  const { salesperson } = stage;
  const events = path.events ?? demo.events;
  const opportunity = (process.triggers.find((t) => t.type === events[0])?.example.data as { opportunityId?: string } | undefined)
    ?.opportunityId;
  const inCrm = opportunity && salesperson ? await salesperson.open(`Opportunity ${opportunity}`) : undefined;
  for (const type of events) {
    const trigger = process.triggers.find((t) => t.type === type);
    if (!trigger) throw new Error(`${process.name}'s demo sends ${type}, which is not one of its triggers`);
    if (handle) {
      const resting = await playPeople(handle, path.sendAt?.[type]);
      if (!resting) throw new Error(`${handle.workflowId} finished before the demo sent ${type}`);
      await hold(resting, type);
    }
    const example = exampleEvent(trigger);
    const keyed = key ? { ...example, id: `${example.id}-${key}`, data: rekeyed(example.data, exampleKey, key) } : example;
    const ownIds = Object.entries(rekey).reduce((data, [from, to]) => rekeyed(data, from, to), keyed.data);
    const withPath = { ...keyed, data: { ...(ownIds as object), ...path.data?.[type] } };
    const event = inCrm ? { ...withPath, data: rekeyed(withPath.data, opportunity!, inCrm) } : withPath;
    if (type === 'payments.payment.received' && stage.bankFolder && handle) {
      const { historyLength } = await handle.describe();
      const payment = event.data as { amount: number; currency: string };
      stage.say(`  ${await payByTransfer(stage.bankFolder, handle, payment, key ?? exampleKey)}`);
      await heardSince(handle, stage, historyLength);
      continue;
    }
    if (type === 'crm.deal.closed_won' && salesperson) {
      // The deal is won in the vendor's CRM instead: its webhook starts the run, which fetches the deal from there.
      key = await salesperson.win(event.data as ExampleDeal);
      stage.say(`  a salesperson wins deal ${key} in ${salesperson.crm}; ${salesperson.crm}'s webhook tells officeflow`);
      handle = stage.client.workflow.getHandle(trigger.workflowId({ dealId: key }));
      await patiently({ ...stage, until: stage.until ?? Date.now() + REST_LIMIT_MS }, () => handle!.describe());
      continue;
    }
    const { status, body } = await patiently(stage, async () => {
      const sent = await sendEvent(stage.intakeUrl, stage.secret, event);
      unlessAway(sent.status);
      return sent;
    });
    stage.say(`  ${type} -> ${status} ${JSON.stringify(body)}`);
    if (status >= 300) throw new Error(`the intake refused the demo event ${type}`);
    handle ??= stage.client.workflow.getHandle((body as { workflowId: string }).workflowId);
  }
  if (!handle) throw new Error(`${process.name}'s demo sends no event`);
  const { workflowId } = handle;
  const ran = (outcome: string): PlayedRun => ({ workflowId, outcome, decided: Object.fromEntries(decided), escalated: [...escalated] });

  for (;;) {
    const progress = await playPeople(handle);
    if (!progress) return ran(`finished: ${JSON.stringify(await handle.result())}`);
    const { step, waitingOn, deadline } = progress;
    const rest = demo.restsAt?.[step];
    if (rest) return ran(`${rest}${deadline ? `, waiting on ${waitingOn} until ${deadline}` : ''}`);
    if (!movesOnSoon(progress))
      throw new Error(
        `${process.name}'s demo does not say what happens at step "${step}"${waitingOn ? ` (waiting on ${waitingOn})` : ''}: ` +
          `send an event there, play a counterpart, or name the step in demo.restsAt`,
      );
    await pause();
  }
}

function missingPath(process: ProcessDefinition, name: string): never {
  const known = Object.keys(process.demo.paths ?? {});
  throw new Error(`${process.name} has no demo path "${name}"${known.length ? `: it has ${known.join(', ')}` : ''}`);
}

/**
 * Plays a front-office system and the people around it for every process in the registry: sends the example events
 * (the ones GET /processes publishes) to a running engine, decides the tasks, signs where a customer signs, and
 * reports what became of each run. Sending them again shows the duplicate answers.
 */
export async function runDemo(config: Config, intake?: string): Promise<void> {
  const intakeUrl = intake ?? localIntakeUrl(config);
  const health = await fetch(new URL('/healthz', intakeUrl)).catch(() => undefined);
  if (!health?.ok) {
    throw new CommandRefused(
      `officeflow is not running at ${intakeUrl}: start it first with 'npm start' (in another terminal)`,
      EXIT.unreachable,
    );
  }
  await withTemporal(config, async (client) => {
    const stage: DemoStage = {
      client,
      config,
      intakeUrl,
      secret: webhookSecret(config),
      salesperson: await localSalesperson(config),
      bankFolder: localBankFolder(config),
      say: (line) => console.log(line),
    };
    for (const process of processes) {
      console.log(`\n${process.name}: ${process.description}`);
      const { workflowId, outcome } = await playDemo(process, stage);
      console.log(`  ${workflowId} ${outcome}`);
      const ui = uiLink(config, workflowId);
      if (ui) console.log(`  see it in the Temporal UI: ${ui}`);
    }
  });
}
