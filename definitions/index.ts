import { msToNumber } from '@temporalio/common/lib/time';
import type { WorkflowStartOptions } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import cardRefund from './card-refund';
import cashApplication from './cash-application';
import contractApproval from './contract-approval';
import customerOnboarding from './customer-onboarding';
import employeeOffboarding from './employee-offboarding';
import hireToOnboard from './hire-to-onboard';
import orderToCash from './order-to-cash';
import overdueTasksDigest from './overdue-tasks-digest';
import refundRun from './refund-run';
import type { EventContext, ProcessDefinition, ProcessSchedule, StartTrigger, Trigger } from './define';
import { BusinessKey, everyRunSearchAttributes } from '../contracts/search-attributes';
import { robotTaskQueue } from '../workflows/robots';

/** Every business process officeflow runs. Workers, the event intake and the CLI all read this list. */
export const processes: ProcessDefinition[] = [
  customerOnboarding,
  orderToCash,
  contractApproval,
  hireToOnboard,
  employeeOffboarding,
  cashApplication,
  refundRun,
  cardRefund,
  overdueTasksDigest,
] as unknown as ProcessDefinition[];

/** The registry with every task queue suffixed: one environment of several on a shared namespace. */
/** The task queues the processes' workflows run on, once each. */
export const taskQueuesOf = (registry: ProcessDefinition[]): string[] => [...new Set(registry.map((process) => process.taskQueue))];

/** Every queue the processes' activities run on: their own, and their robots' (browser robots have queues of their own). */
export const activityQueuesOf = (registry: ProcessDefinition[]): string[] => {
  const queues = taskQueuesOf(registry);
  return [...queues, ...queues.map(robotTaskQueue)];
};

export function withTaskQueueSuffix(registry: ProcessDefinition[], suffix: string): ProcessDefinition[] {
  return suffix ? registry.map((process) => ({ ...process, taskQueue: `${process.taskQueue}${suffix}` })) : registry;
}

export interface Binding {
  process: ProcessDefinition;
  trigger: Trigger;
}

/**
 * The workflow input a start trigger makes of an event, with the process's settings attached (so every run keeps
 * the settings it started with), checked against the process's input schema.
 */
export function runInput(process: ProcessDefinition, trigger: StartTrigger<unknown>, data: unknown, event: EventContext) {
  return process.input.safeParse({ ...(trigger.input ? trigger.input(data, event) : (data as object)), settings: process.settings });
}

/** The process and trigger an event type is bound to, if any. */
export function bindingFor(eventType: string, registry = processes): Binding | undefined {
  for (const process of registry) {
    const trigger = process.triggers.find((t) => t.type === eventType);
    if (trigger) return { process, trigger };
  }
  return undefined;
}

/** How long each automated step should take at most, by process and step; a wrong duration is named. */
export function stepExpectations(registry = processes): Array<{ process: string; step: string; ms: number }> {
  return registry.flatMap((process) =>
    Object.entries(process.expectations ?? {}).map(([step, expected]) => {
      try {
        return { process: process.name, step, ms: msToNumber(expected as `${number}m`) };
      } catch {
        throw new Error(`${process.name}: expectations.${step} must be a duration (30 minutes), not "${expected}"`);
      }
    }),
  );
}

/** Every custom search attribute any process uses, once each. */
export function allSearchAttributes(registry = processes): SearchAttributeKey<SearchAttributeType>[] {
  const byName = new Map<string, SearchAttributeKey<SearchAttributeType>>();
  for (const key of [...everyRunSearchAttributes, ...registry.flatMap((p) => p.searchAttributes)]) byName.set(key.name, key);
  return [...byName.values()];
}

/**
 * How a run of the process starts for this input, whoever starts it: on its queue, findable by its business key and
 * its process's search attributes from its first moment, with its summary for the Temporal UI.
 */
export function startOptions(process: ProcessDefinition, input: unknown) {
  const { businessKey, summary, details } = process.describe(input);
  return {
    taskQueue: process.taskQueue,
    typedSearchAttributes: [{ key: BusinessKey, value: businessKey }, ...process.initialSearchAttributes(input)],
    staticSummary: summary,
    staticDetails: details,
  } satisfies Partial<WorkflowStartOptions>;
}

/**
 * The process a run belongs to: its workflow id is `<process name>-<business key>`. The longest name that fits wins, so
 * `contract-approval-K-1` belongs to `contract-approval` even where a process named `contract` is registered too.
 */
export const processOfRun = (workflowId: string, registry = processes): string | undefined =>
  registry
    .filter((process) => workflowId.startsWith(`${process.name}-`))
    .reduce<string | undefined>((longest, { name }) => (name.length > (longest?.length ?? 0) ? name : longest), undefined);

/** A schedule's id: `<process>:<name>`, with the engine's task-queue suffix where engines share a namespace. */
export const scheduleIdOf = (process: ProcessDefinition, schedule: ProcessSchedule, suffix: string): string =>
  `${process.name}:${schedule.name}${suffix}`;
