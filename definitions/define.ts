import type { SearchAttributePair, SearchAttributeType, SignalDefinition, Workflow } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import type { z } from 'zod';
import type { Verdict } from '../contracts/human-tasks';

/** The CloudEvents attributes a trigger may read besides the event's data. */
export interface EventContext {
  id: string;
  source: string;
  type: string;
  subject?: string;
  time?: string;
}

interface TriggerSpec<Data, Sent = Data> {
  /** The CloudEvents `type` that fires this trigger, e.g. `crm.account.created`. */
  type: string;
  description: string;
  /** Schema of the event's `data`: checked at the intake before anything starts, and converted (decimals into Money). */
  data: z.ZodType<Data, Sent>;
  /** The business key: the same business object always maps to the same workflow id. */
  workflowId: (data: Data) => string;
  /** A complete, valid event, as a sender writes it: published in GET /processes and sent by `officeflow demo` (see `demo`). */
  example: { source: string; id: string; subject?: string; data: Sent };
}

export interface StartTrigger<Data, Sent = Data> extends TriggerSpec<Data, Sent> {
  kind: 'start';
  /**
   * The workflow input for this event, but for its `settings`, which the intake attaches (the process's durations and
   * assignees, kept with every run); the event's data as it is unless said. The process's `input` schema checks it.
   */
  input?: (data: Data, event: EventContext) => object;
}

export interface SignalTrigger<Data, Payload, Sent = Data> extends TriggerSpec<Data, Sent> {
  kind: 'signal';
  /** The signal delivered to the running process the business key names. */
  signal: SignalDefinition<[Payload]>;
  payload: (data: Data, event: EventContext) => Payload;
}

// Triggers of one process carry different data types; the intake treats them alike once validated.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Trigger = StartTrigger<any, any> | SignalTrigger<any, any, any>;

export const startsOn = <Data, Sent>(spec: Omit<StartTrigger<Data, Sent>, 'kind'>): Trigger => ({
  kind: 'start',
  ...spec,
});
export const signalsOn = <Data, Payload, Sent>(spec: Omit<SignalTrigger<Data, Payload, Sent>, 'kind'>): Trigger => ({
  kind: 'signal',
  ...spec,
});

/** A search operators run often, by name: `officeflow runs --saved <process>:<name>`, or pasted into the UI. */
export interface SavedQuery {
  /** What it answers, in the operator's words. */
  description: string;
  /** A Temporal visibility query over the process's runs; `{now}` stands for the current time. */
  query: string;
}

/** What the demo plays where a run waits on someone outside officeflow: the customer signs the envelope it was sent. */
export type DemoCounterpart = 'customer-signs';

/**
 * How `officeflow demo` plays one run of the process, as the systems and people around it would: it sends the
 * examples of `events` in order; after each, until the run rests waiting on neither, it decides every task the run
 * opens, as its assignee, and plays the counterparts of `plays` where the run reaches their step. After the last, the
 * run must finish or rest at one of `restsAt`; resting anywhere else ends the demo with an error naming the step.
 */
export interface DemoScript<Settings = unknown> {
  /** Trigger types of this process, in the order they are sent; the first starts the run. */
  events: string[];
  /** The verdict given on every task: approve unless said. */
  verdict?: Verdict;
  /** By step: who the demo plays there (`{ 'awaiting-signature': 'customer-signs' }`). */
  plays?: Record<string, DemoCounterpart>;
  /** By step: where a run rests for a long while once nobody holds a task, as the demo reports it. */
  restsAt?: Record<string, string>;
  /**
   * The other ways a run goes, by name (`escalated`, `change-requested`): each plays like the demo but for what it
   * says. `npm run scenario:insights` drives runs down every path and checks the insights against them.
   */
  paths?: Record<string, DemoPath>;
  /** Settings over the process's own under which every path plays in seconds: deadlines, reminders, offsets. */
  quickSettings?: Partial<Settings>;
}

/** One way a run of the process goes, played as the demo is but for what is said here. */
export interface DemoPath {
  /** What happens on this path, in the process's words. */
  description: string;
  /** Trigger types sent, in order: the demo's `events` unless said. */
  events?: string[];
  /** Fields over an event's example, by its type: a big order, payment terms of 0 days. */
  data?: Record<string, Record<string, unknown>>;
  /** The verdict on a task, by the task's name: the demo's `verdict` on any other. */
  verdicts?: Record<string, Verdict>;
  /** Tasks nobody decides until they pass to someone else (past their deadline): that person decides them. */
  escalates?: string[];
  /** By trigger type: the step the run reaches before the event is sent (a payment once the invoice went to collections). */
  sendAt?: Record<string, string>;
}

/** When a scheduled run starts: a cron expression (in a time zone, UTC unless said) or a fixed interval (`1 day`). */
export type ScheduleTime = { cron: string; timezone?: string } | { every: string };

/**
 * A run on a calendar, kept by a Temporal Schedule: a daily sweep, a month-end report, a weekly digest. The engine
 * declares it at start (and updates it when the definition changes); operators list, pause, trigger and backfill it
 * with `officeflow schedules`.
 */
export interface ProcessSchedule {
  /** Kebab-case, unique within the process: its schedule is `<process>:<name>`. */
  name: string;
  description: string;
  when: ScheduleTime;
  /**
   * When the previous run is still going at the next time: `skip` it (the default), `buffer-one` to start once the
   * previous ends, or `allow-all` to run side by side.
   */
  overlap?: 'skip' | 'buffer-one' | 'allow-all';
  /** How late a time missed while Temporal was down is still run (`1 hour` unless said); older ones are skipped. */
  catchupWindow?: string;
  /** The run's input, but for its `settings`, which are attached as for an event's run. */
  input: () => object;
}

export const runsOn = (schedule: ProcessSchedule): ProcessSchedule => schedule;

export interface RunDescription {
  businessKey: string;
  summary: string;
  /** Markdown, shown under the summary in the Temporal UI. */
  details?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface ProcessDefinition<W extends Workflow = Workflow, Settings = any> {
  /** Kebab-case name, as operators and integrators see it. */
  name: string;
  description: string;
  workflow: W;
  taskQueue: string;
  /**
   * How its runs meet a new build, where workers are versioned (WORKER_BUILD_ID): `pinned` runs finish on the build
   * they started on, so a changed process never replays an old run (the default: runs that wait for days or years);
   * `auto-upgrade` runs move to the current build at their next step, so a change must replay them (`patched()`).
   */
  versioning?: 'pinned' | 'auto-upgrade';
  /**
   * The process's own facts: how long people have to decide, who decides, reminder offsets. Start triggers put
   * them into the workflow input, so every run keeps the settings it started with (tests shorten them).
   */
  settings: Settings;
  /** Schema of the workflow's input, checked before every start. */
  input: z.ZodType<Parameters<W>[0]>;
  /**
   * What operators read first, in the Temporal UI and `officeflow status`: the run's business key (its
   * `BusinessKey` search attribute), a one-line summary and details. Summary and details are encrypted like payloads;
   * the business key is not, so it holds an id, never personal data.
   */
  describe: (input: Parameters<W>[0]) => RunDescription;
  /**
   * What its business key names (`deal`, `contract`, `employee`), as the event log types the run's objects beside
   * its customer, invoice and candidate; the process's name unless said.
   */
  businessObject?: string;
  /**
   * How long a step should take at most, where nobody's task watches it (`'legacy-erp-entry': '15 minutes'`): a run
   * in the step longer than that is an incident the engine's alerts tell (`ALERT_EMAILS`, `ALERT_WEBHOOK_URLS`).
   */
  expectations?: Record<string, string>;
  /** Custom search attributes this process sets, registered with the server at start. */
  searchAttributes: SearchAttributeKey<SearchAttributeType>[];
  /** Search attributes known when the run starts, so a run is findable from its first moment. */
  initialSearchAttributes: (input: Parameters<W>[0]) => SearchAttributePair[];
  triggers: Trigger[];
  /** Runs it starts on a calendar, besides those its triggers start. */
  schedules?: ProcessSchedule[];
  /** The searches its operators need, named; each is scoped to this process's runs when used. */
  savedQueries: Record<string, SavedQuery>;
  demo: DemoScript<Settings>;
}

/** Declares a business process: the one place its workflow, input, triggers, queue and search attributes are written. */
export function defineProcess<W extends Workflow, Settings>(definition: ProcessDefinition<W, Settings>): ProcessDefinition<W, Settings> {
  return definition;
}
