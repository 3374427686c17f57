import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type Client, WorkflowFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import Bottleneck from 'bottleneck';
import type { Pool } from 'pg';
import type { DealRecord } from '../activities/crm/stand-in';
import type { Envelope } from '../activities/e-signature/stand-in';
import type { PortalUser } from '../activities/it-admin/stand-in';
import type { LegacyOrder } from '../activities/legacy-erp/stand-in';
import type { ReceivedMail } from '../activities/mail/sink';
import type { PayrollEmployee } from '../activities/payroll/stand-in';
import { decideAs, inboxOf, signAsCustomer } from '../cli/people';
import type { Config } from '../config';
import { Assignees, ProcessStep } from '../contracts/search-attributes';
import { playDemo } from '../cli/demo';
import { bindingFor, processes } from '../definitions';
import type { ProcessDefinition } from '../definitions/define';
import { keptJson } from '../infra/state';
import { percentile } from './statistics';
import { exampleEvent } from '../web/events/catalog';
import { sendEvent } from '../web/events/send';
import { taskName } from '../workflows/human-tasks';

const { TimeoutType } = temporal.api.enums.v1;

/** A running engine with its local stand-ins, as the burst drives it from outside. */
export interface BurstTarget {
  client: Client;
  pool: Pool;
  intakeUrl: string;
  /** The engine's configuration: its webhook secret, the key people sign in with, where the stand-ins keep their records. */
  config: Config;
  /** The mail sink's message list. */
  mailboxUrl: string;
}

/** How many runs of each process, by its name in the registry. */
export type RunCounts = Record<string, number>;

export interface BurstOptions {
  runs: RunCounts;
  /** Runs driven at once: all of them (a burst), or this many, each started when one finishes (steady). */
  concurrency?: number;
  /** Gives up waiting for the runs after this long. */
  timeoutMs?: number;
  /** Called once every run has ended, before what they made is counted. */
  beforeCounting?: () => Promise<void>;
}

export interface BurstReport {
  mode: string;
  runs: RunCounts;
  /** The runs' workflow ids. */
  workflowIds: string[];
  seconds: number;
  outcomes: Record<string, number>;
  /** Runs that did not reach their designed outcome. */
  lost: number;
  /** Business objects made more than once (each should be 0). */
  doubled: Record<string, number>;
  /** How long a run took from its first event to its end, in seconds: median, 95th percentile, longest. */
  runSeconds: { p50: number; p95: number; max: number };
  /** Activity attempts that ran out of time. */
  activityTimeouts: number;
  /** Those attempts by step and timeout ("printInvoice: heartbeat"). */
  timedOutSteps: Record<string, number>;
  /** The intake's answers other than 2xx, by status, that a sender had to send again (503 while a backend was away). */
  intakeRefusals: Record<string, number>;
  /** Nothing lost, nothing doubled (and, where asked, no activity timed out). */
  ok: boolean;
}

/**
 * Where a run ends when everyone plays their part: for the processes the burst drives by hand (with addresses of
 * their own, stock on the shelves, a bank that reads the invoice), their result; for any other, the end of its
 * definition's demo.
 */
export const DESIGNED_OUTCOMES: Record<string, string> = {
  'order-to-cash': 'paid',
  'hire-to-onboard': 'active',
  'contract-approval': 'in force',
  'customer-onboarding': 'credit approved',
};
export const BY_ITS_DEMO = 'played to its end';
export const designedOutcome = (process: string): string => DESIGNED_OUTCOMES[process] ?? BY_ITS_DEMO;

/** How the driver learns what to pay (as the bank would read the invoice): a query of its own, not officeflow's. */
export const INVOICES_OF_DEALS =
  'SELECT o.deal_id, i.gross_total::text, i.currency FROM invoices i JOIN sales_orders o USING (order_number) WHERE o.deal_id = ANY($1)';

interface Invoice {
  gross_total: string;
  currency: string;
}

/**
 * The bank's watch for the invoices it is waiting on: one statement for all of them every half second, so a burst of
 * two hundred runs costs PostgreSQL (which the engine shares) one query a tick rather than one per run. A tick that
 * fails (the database away in a chaos run) is tried again on the next.
 */
function invoiceWatch(pool: Pool, deadline: number) {
  const awaited = new Map<string, { found: (invoice: Invoice) => void; gaveUp: (error: Error) => void }>();
  let ticking = false;
  const tick = async () => {
    try {
      const { rows } = await pool.query<Invoice & { deal_id: string }>(INVOICES_OF_DEALS, [[...awaited.keys()]]);
      for (const { deal_id: dealId, ...invoice } of rows) {
        awaited.get(dealId)?.found(invoice);
        awaited.delete(dealId);
      }
    } catch {
      // Asked again on the next tick.
    }
    if (Date.now() > deadline) {
      for (const [dealId, { gaveUp }] of awaited) gaveUp(new Error(`gave up waiting for the invoice of ${dealId}`));
      awaited.clear();
    }
    ticking = awaited.size > 0;
    if (ticking) setTimeout(() => void tick(), 500);
  };
  return (dealId: string) =>
    new Promise<Invoice>((found, gaveUp) => {
      awaited.set(dealId, { found, gaveUp });
      if (!ticking) {
        ticking = true;
        setTimeout(() => void tick(), 500);
      }
    });
}

/** How the driver puts stock on the shelves before its runs, as the warehouse would. */
export const STOCK_UP =
  'INSERT INTO products (sku, name, on_hand) VALUES ($1, $1, $2) ON CONFLICT (sku) DO UPDATE SET on_hand = products.on_hand + $2';

/** The catalog's example event of `type`, as a new event (its own id) with `data` over the example's: one run's keys. */
export function eventWith(type: string, data: Record<string, unknown>) {
  const example = exampleEvent(bindingFor(type)!.trigger);
  return { ...example, id: `evt-${randomUUID()}`, data: { ...(example.data as object), ...data } };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns a value. A probe that throws (the intake, Temporal or the database away for a
 * while) is asked again: the burst outlasts what the chaos run takes down.
 */
async function waitFor<T>(probe: () => Promise<T | undefined>, deadline: number, what: string): Promise<T> {
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      if (error instanceof WorkflowFailedError) throw error;
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    await pause(500);
  }
}

/**
 * Fires runs of every process at a running engine, as the CRM, logistics, the bank, the applicant-tracking system,
 * the approvers and the customers would, drives each run to its end from outside, and then counts what the back
 * office, the portals, the CRM, the e-signature service and the mail sink hold: one of each business object per run.
 */
export async function runBurst(target: BurstTarget, options: BurstOptions, { timeoutsCount = true } = {}): Promise<BurstReport> {
  const { runs } = options;
  const unknown = Object.keys(runs).filter((name) => !processes.some((process) => process.name === name));
  if (unknown.length > 0) throw new Error(`no process is named ${unknown.join(', ')}`);
  const batch = randomUUID().slice(0, 8);
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  const { client, config, intakeUrl } = target;
  const intakeRefusals: Record<string, number> = {};
  /** Sends an event until the intake takes it, as a webhook sender retries; a redelivery of one it took is a duplicate. */
  const send = async (type: string, data: Record<string, unknown>) => {
    const signed = eventWith(type, data);
    await waitFor(
      async () => {
        const { status } = await sendEvent(intakeUrl, config.WEBHOOK_SECRETS[0], signed);
        if (status < 300) return true;
        intakeRefusals[status] = (intakeRefusals[status] ?? 0) + 1;
        return undefined;
      },
      deadline,
      `the intake to take ${type}`,
    );
  };
  const result = <T>(workflowId: string) =>
    waitFor(() => client.workflow.getHandle(workflowId).result() as Promise<T>, deadline, `the result of ${workflowId}`);
  /** The business keys of a process's runs: `BURST-<batch>-OTC1` for order-to-cash's first. */
  const keysOf = (name: string) =>
    Array.from(
      { length: runs[name] ?? 0 },
      (_, i) =>
        `BURST-${batch}-${name
          .split('-')
          .map((word) => word[0].toUpperCase())
          .join('')}${i + 1}`,
    );

  const invoiceOf = invoiceWatch(target.pool, deadline);
  const dealToCash = async (dealId: string) => {
    const billingEmail = `${dealId.toLowerCase()}@customer.test`;
    const salesRepEmail = `${dealId.toLowerCase()}.rep@sales.test`;
    const customer = { id: `${dealId}-ACC`, name: 'Burst GmbH', billingEmail, country: 'DE' };
    await send('crm.deal.closed_won', { dealId, customer, salesRepEmail });
    // Logistics and the bank answer as soon as they can; the run takes each when it gets there.
    await send('logistics.shipment.delivered', { dealId });
    const invoice = await invoiceOf(dealId);
    await send('payments.payment.received', {
      dealId,
      paymentId: `${dealId}-PAY`,
      amount: invoice.gross_total,
      currency: invoice.currency,
    });
    return (await result<{ outcome: string }>(`order-to-cash-${dealId}`)).outcome;
  };

  const hireToOnboard = async (candidateId: string) => {
    await send('hr.offer.accepted', {
      candidateId,
      personalEmail: `${candidateId.toLowerCase()}@home.test`,
      managerEmail: `${candidateId.toLowerCase()}.manager@people.test`,
      startDate: new Date().toISOString().slice(0, 10),
    });
    await send('logistics.equipment.delivered', { candidateId, deliveryId: `${candidateId}-DLV` });
    return (await result<{ outcome: string }>(`hire-to-onboard-${candidateId}`)).outcome;
  };

  const contractToSignature = async (contractId: string) => {
    const workflowId = `contract-approval-${contractId}`;
    await send('crm.contract.submitted', {
      contractId,
      opportunityId: `${contractId}-OPP`,
      submittedBy: `${contractId.toLowerCase()}.rep@sales.test`,
      signer: { name: 'Burst Signer', email: `${contractId.toLowerCase()}@signer.test` },
    });
    // The approvers decide each task as it reaches their inbox, the customer signs when asked; the contract then rests
    // in force. What the run waits on is read from its search attributes, never by a query: a query can reach a
    // worker the run had left, and one that arrives with the run's next events there breaks its replay (a Temporal
    // SDK defect, docs/known-issues.md).
    return waitFor(
      async () => {
        const handle = client.workflow.getHandle(workflowId);
        const run = await handle.describe();
        if (run.status.name !== 'RUNNING') return (await handle.result()).outcome as string;
        const step = run.typedSearchAttributes.get(ProcessStep);
        if (step === 'in-force') return DESIGNED_OUTCOMES['contract-approval'];
        for (const assignee of run.typedSearchAttributes.get(Assignees) ?? [])
          for (const task of await inboxOf(config, intakeUrl, assignee))
            if (task.workflowId === workflowId)
              await decideAs(config, intakeUrl, { workflowId, task: taskName(task.taskId, workflowId), assignee }, 'approve', 'burst');
        if (step === 'awaiting-signature') await signAsCustomer(config, workflowId);
        return undefined;
      },
      deadline,
      `${workflowId} to come into force`,
    );
  };

  const accountToCustomer = async (accountId: string) => {
    await send('crm.account.created', {
      accountId,
      billingEmail: `${accountId.toLowerCase()}@customer.test`,
      salesRepEmail: `${accountId.toLowerCase()}.rep@sales.test`,
    });
    await send('finance.credit_limit.approved', { accountId });
    const onboarded = await result<{ reviewedByFinance: boolean }>(`customer-onboarding-${accountId}`);
    return onboarded.reviewedByFinance ? DESIGNED_OUTCOMES['customer-onboarding'] : 'prepayment';
  };

  /** Each process's driver: by hand for the four above, by its definition's demo for any other in the registry. */
  const byHand: Record<string, (key: string) => Promise<string>> = {
    'order-to-cash': dealToCash,
    'hire-to-onboard': hireToOnboard,
    'contract-approval': contractToSignature,
    'customer-onboarding': accountToCustomer,
  };
  const stage = { client, config, intakeUrl, secret: config.WEBHOOK_SECRETS[0], say: () => undefined, until: deadline };
  const driverOf = (process: ProcessDefinition) => {
    const driver = byHand[process.name];
    if (driver) return async (key: string) => ({ workflowId: `${process.name}-${key}`, outcome: await driver(key) });
    return async (key: string) => {
      const { workflowId } = await playDemo(process, stage, { businessKey: key });
      return { workflowId, outcome: BY_ITS_DEMO };
    };
  };

  await stockFor(target.pool, runs['order-to-cash'] ?? 0);
  const limiter = new Bottleneck({ maxConcurrent: options.concurrency ?? null });
  const runSeconds: number[] = [];
  const timed = async <T>(run: () => Promise<T>) => {
    const began = Date.now();
    const outcome = await run();
    runSeconds.push((Date.now() - began) / 1000);
    return outcome;
  };
  const started = Date.now();
  const driven = await Promise.all(
    processes.flatMap((process) =>
      keysOf(process.name).map((key) =>
        limiter
          .schedule(() => timed(() => driverOf(process)(key)))
          .then(({ workflowId, outcome }) => ({ process: process.name, workflowId, outcome }))
          // A run that could not be driven to its end counts under its error.
          .catch((error: unknown) => ({ process: process.name, workflowId: undefined, outcome: `failed: ${String(error)}` })),
      ),
    ),
  );
  const seconds = (Date.now() - started) / 1000;
  await options.beforeCounting?.();

  const outcomes: Record<string, number> = {};
  for (const { outcome } of driven) outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  const lost = driven.filter(({ process, outcome }) => outcome !== designedOutcome(process)).length;
  const doubled = await countDoubles(target, batch, runs);
  const workflowIds = driven.flatMap(({ workflowId }) => (workflowId ? [workflowId] : []));
  const timedOutSteps = await activityTimeoutsOf(client, workflowIds);
  const activityTimeouts = Object.values(timedOutSteps).reduce((sum, n) => sum + n, 0);
  return {
    mode: options.concurrency ? `steady, ${options.concurrency} at a time` : 'burst, all at once',
    runs,
    workflowIds,
    seconds,
    outcomes,
    lost,
    doubled,
    runSeconds: { p50: percentile(runSeconds, 50), p95: percentile(runSeconds, 95), max: Math.max(0, ...runSeconds) },
    activityTimeouts,
    timedOutSteps,
    intakeRefusals,
    ok: lost === 0 && Object.values(doubled).every((n) => n === 0) && (!timeoutsCount || activityTimeouts === 0),
  };
}

/** Puts enough stock for `deals` example orders on the shelves, as the warehouse would before a sales push. */
export async function stockFor(pool: Pool, deals: number): Promise<void> {
  const { lines } = bindingFor('crm.deal.closed_won')!.trigger.example.data as { lines: Array<{ sku: string; quantity: number }> };
  for (const { sku, quantity } of lines) {
    await pool.query(STOCK_UP, [sku, quantity * deals]);
  }
}

/** How many of each business object exist beyond one per run of this batch (beyond one per stage, for CRM changes). */
async function countDoubles(target: BurstTarget, batch: string, runs: RunCounts): Promise<Record<string, number>> {
  const deals = runs['order-to-cash'] ?? 0;
  const prefix = `BURST-${batch}-%`;
  const stateDir = target.config.OFFICEFLOW_STATE_DIR;
  const kept = <T>(file: string): T => keptJson<T>(path.join(stateDir, file), [] as T).value;
  const extra = (keys: string[]) => keys.length - new Set(keys).size;
  const count = async (sql: string) => Number((await target.pool.query<{ n: string }>(sql, [prefix])).rows[0].n);

  const { rows: orders } = await target.pool.query<{ order_number: string }>(
    'SELECT order_number FROM sales_orders WHERE deal_id LIKE $1',
    [prefix],
  );
  const references = new Set(orders.map((o) => o.order_number));
  const { rows: employees } = await target.pool.query<{ employee_number: string }>(
    'SELECT employee_number FROM employees WHERE candidate_id LIKE $1',
    [prefix],
  );
  const numbers = new Set(employees.map((e) => e.employee_number));
  // An invoice's entry and its one payment's: two balanced entries per deal.
  const ledgerEntries = await count(
    `SELECT count(DISTINCT l.entry_key) AS n FROM journal_lines l
       JOIN invoices i ON l.entry_key = 'invoice/' || i.invoice_number
                       OR l.entry_key IN (SELECT 'payment/' || payment_id FROM payments p WHERE p.invoice_number = i.invoice_number)
       JOIN sales_orders o USING (order_number) WHERE o.deal_id LIKE $1`,
  );
  const { rows: unbalanced } = await target.pool.query(
    'SELECT entry_key FROM journal_lines GROUP BY entry_key HAVING sum(debit) <> sum(credit)',
  );
  const crm = kept<{ deals?: Record<string, DealRecord> }>('crm.json').deals ?? {};
  const ours = (key: string) => key.startsWith(`BURST-${batch}-`);
  const mail = (await (await fetch(target.mailboxUrl)).json()) as ReceivedMail[];
  // Sent to the burst's own addresses, or to the approvers about the burst's contracts.
  const burstMail = mail.filter((m) => m.to.some((to) => to.startsWith(`burst-${batch}-`)) || m.subject?.includes(`BURST-${batch}-`));

  return {
    salesOrders: orders.length - deals,
    invoices: await count(
      `SELECT count(*) - count(DISTINCT order_number) AS n FROM invoices JOIN sales_orders USING (order_number) WHERE deal_id LIKE $1`,
    ),
    ledgerEntries: Math.max(ledgerEntries - 2 * deals, 0),
    unbalancedLedgerEntries: unbalanced.length,
    legacyErpOrders: extra(
      kept<LegacyOrder[]>('legacy-erp.json')
        .filter((o) => references.has(o.reference))
        .map((o) => o.reference),
    ),
    itAccounts: extra(
      kept<PortalUser[]>('it-admin.json')
        .filter((u) => numbers.has(u.employeeNumber))
        .map((u) => u.employeeNumber),
    ),
    payrollEnrolments: extra(
      kept<PayrollEmployee[]>('payroll.json')
        .filter((e) => numbers.has(e.reference))
        .map((e) => e.reference),
    ),
    customers: await count('SELECT count(*) - count(DISTINCT crm_account_id) AS n FROM customers WHERE crm_account_id LIKE $1'),
    signatureEnvelopes: extra(
      kept<Envelope[]>('e-signature.json')
        .filter((e) => ours(e.contractId))
        .map((e) => `${e.contractId}/${e.documentVersion}`),
    ),
    crmStageChanges: Object.values(crm)
      .filter((deal) => ours(deal.dealId))
      .reduce((sum, deal) => sum + extra(deal.history.map((change) => change.stage)), 0),
    emails: extra(burstMail.map((m) => `${m.to.join(',')}|${m.subject}`)),
  };
}

/**
 * The activity attempts of these runs that ran out of time, by step and timeout ("printInvoice: heartbeat"), from their
 * histories.
 */
async function activityTimeoutsOf(client: Client, workflowIds: string[]): Promise<Record<string, number>> {
  const byStep: Record<string, number> = {};
  for (const workflowId of workflowIds) {
    const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const stepOf = new Map(
      events.flatMap((e) => (e.activityTaskScheduledEventAttributes ? [[String(e.eventId), e.activityTaskScheduledEventAttributes]] : [])),
    );
    for (const event of events) {
      // A timed-out attempt that was retried shows only in the next attempt's last failure.
      const timedOut = event.activityTaskTimedOutEventAttributes;
      const started = event.activityTaskStartedEventAttributes;
      const timeout = (timedOut?.failure ?? started?.lastFailure)?.timeoutFailureInfo;
      if (!timeout) continue;
      const step = stepOf.get(String((timedOut ?? started)!.scheduledEventId))?.activityType?.name ?? 'unknown step';
      const kind = (TimeoutType[timeout.timeoutType ?? 0] ?? 'unknown').replace('TIMEOUT_TYPE_', '').toLowerCase().replaceAll('_', '-');
      const key = `${step}: ${kind}`;
      byStep[key] = (byStep[key] ?? 0) + 1;
    }
  }
  return byStep;
}
