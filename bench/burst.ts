import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import Bottleneck from 'bottleneck';
import type { Pool } from 'pg';
import type { PortalUser } from '../activities/it-admin/stand-in';
import type { LegacyOrder } from '../activities/legacy-erp/stand-in';
import type { ReceivedMail } from '../activities/mail/sink';
import type { PayrollEmployee } from '../activities/payroll/stand-in';
import { bindingFor } from '../definitions';
import { keptJson } from '../infra/state';
import { exampleEvent } from '../intake/catalog';
import { sendEvent } from '../intake/send';

/** A running engine with its local stand-ins, as the burst drives it from outside. */
export interface BurstTarget {
  client: Client;
  pool: Pool;
  intakeUrl: string;
  webhookSecret: string;
  /** The mail sink's message list. */
  mailboxUrl: string;
  /** Where the stand-in portals keep what they were given. */
  stateDir: string;
}

export interface BurstOptions {
  deals: number;
  hires: number;
  /** Runs driven at once: all of them (a burst), or this many, each started when one finishes (steady). */
  concurrency?: number;
  /** Gives up waiting for the runs after this long. */
  timeoutMs?: number;
}

export interface BurstReport {
  mode: string;
  deals: number;
  hires: number;
  seconds: number;
  outcomes: Record<string, number>;
  /** Business objects made more than once (each should be 0). */
  doubled: Record<string, number>;
  /** Activity attempts that ran out of time. */
  activityTimeouts: number;
  ok: boolean;
}

/** The example event of `type`, with the business keys and addresses of one run of the burst. */
function event(type: string, data: Record<string, unknown>) {
  const binding = bindingFor(type)!;
  const example = exampleEvent(binding.trigger);
  return { ...example, id: `evt-${randomUUID()}`, data: { ...(example.data as object), ...data } };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value. */
async function waitFor<T>(probe: () => Promise<T | undefined>, deadline: number, what: string): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await pause(500);
  }
}

/**
 * Fires order-to-cash deals and hires at a running engine, as the CRM, logistics, the bank and the applicant-tracking
 * system would, drives each run to its end from outside, and then counts what the back office, the portals and the
 * mail sink hold: one sales order, invoice, legacy ERP order, user account and payroll enrolment per run, one e-mail
 * per recipient and subject, and a balanced ledger.
 */
export async function runBurst(target: BurstTarget, options: BurstOptions): Promise<BurstReport> {
  const batch = randomUUID().slice(0, 8);
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  const send = async (type: string, data: Record<string, unknown>) => {
    const { status } = await sendEvent(target.intakeUrl, target.webhookSecret, event(type, data));
    if (status !== 202) throw new Error(`${type} was refused with ${status}`);
  };

  const dealIds = Array.from({ length: options.deals }, (_, i) => `BURST-${batch}-D${i + 1}`);
  const candidateIds = Array.from({ length: options.hires }, (_, i) => `BURST-${batch}-H${i + 1}`);

  const dealToCash = async (dealId: string) => {
    const billingEmail = `${dealId.toLowerCase()}@customer.test`;
    const salesRepEmail = `${dealId.toLowerCase()}.rep@sales.test`;
    const customer = { id: `${dealId}-ACC`, name: 'Burst GmbH', billingEmail, country: 'DE' };
    await send('crm.deal.closed_won', { dealId, customer, salesRepEmail });
    // Logistics and the bank answer as soon as they can; the run takes each when it gets there.
    await send('logistics.shipment.delivered', { dealId });
    const invoice = await waitFor(
      async () =>
        (
          await target.pool.query<{ gross_total: string; currency: string }>(
            `SELECT i.gross_total::text, i.currency FROM invoices i JOIN sales_orders o USING (order_number) WHERE o.deal_id = $1`,
            [dealId],
          )
        ).rows[0],
      deadline,
      `the invoice of ${dealId}`,
    );
    await send('payments.payment.received', {
      dealId,
      paymentId: `${dealId}-PAY`,
      amount: invoice.gross_total,
      currency: invoice.currency,
    });
    return (await target.client.workflow.getHandle(`order-to-cash-${dealId}`).result()) as { outcome: string };
  };

  const hireToOnboard = async (candidateId: string) => {
    const startDate = new Date().toISOString().slice(0, 10);
    const personalEmail = `${candidateId.toLowerCase()}@home.test`;
    await send('hr.offer.accepted', {
      candidateId,
      personalEmail,
      managerEmail: `${candidateId.toLowerCase()}.manager@people.test`,
      startDate,
    });
    await send('logistics.equipment.delivered', { candidateId, deliveryId: `${candidateId}-DLV` });
    return (await target.client.workflow.getHandle(`hire-to-onboard-${candidateId}`).result()) as { outcome: string };
  };

  await stockFor(target.pool, options.deals);
  const limiter = new Bottleneck({ maxConcurrent: options.concurrency ?? null });
  const started = Date.now();
  const settled = await Promise.allSettled([
    ...dealIds.map((id) => limiter.schedule(() => dealToCash(id))),
    ...candidateIds.map((id) => limiter.schedule(() => hireToOnboard(id))),
  ]);
  const seconds = (Date.now() - started) / 1000;

  // A run that could not be driven to its end counts under its error.
  const outcomes: Record<string, number> = {};
  for (const result of settled) {
    const outcome = result.status === 'fulfilled' ? result.value.outcome : `failed: ${String(result.reason)}`;
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  const completed = (outcomes.paid ?? 0) + (outcomes.active ?? 0);
  const doubled = await countDoubles(target, batch, dealIds);
  const activityTimeouts = await countActivityTimeouts(target.client, [
    ...dealIds.map((id) => `order-to-cash-${id}`),
    ...candidateIds.map((id) => `hire-to-onboard-${id}`),
  ]);
  return {
    mode: options.concurrency ? `steady, ${options.concurrency} at a time` : 'burst, all at once',
    deals: options.deals,
    hires: options.hires,
    seconds,
    outcomes,
    doubled,
    activityTimeouts,
    ok: Object.values(doubled).every((n) => n === 0) && activityTimeouts === 0 && completed === dealIds.length + candidateIds.length,
  };
}

/** Puts enough stock for `deals` example orders on the shelves, as the warehouse would before a sales push. */
async function stockFor(pool: Pool, deals: number): Promise<void> {
  const { lines } = bindingFor('crm.deal.closed_won')!.trigger.example.data as { lines: Array<{ sku: string; quantity: number }> };
  for (const { sku, quantity } of lines) {
    await pool.query(
      `INSERT INTO products (sku, name, on_hand) VALUES ($1, $1, $2) ON CONFLICT (sku) DO UPDATE SET on_hand = products.on_hand + $2`,
      [sku, quantity * deals],
    );
  }
}

const kept = <T>(stateDir: string, file: string): T[] => keptJson<T[]>(path.join(stateDir, file), []).value;

/** How many of each business object exist beyond one per run of this batch. */
async function countDoubles(target: BurstTarget, batch: string, dealIds: string[]): Promise<Record<string, number>> {
  const prefix = `BURST-${batch}-%`;
  const beyondOne = async (sql: string) => Number((await target.pool.query<{ n: string }>(sql, [prefix])).rows[0].n);
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
  const extra = (keys: string[]) => keys.length - new Set(keys).size;
  const mail = (await (await fetch(target.mailboxUrl)).json()) as ReceivedMail[];
  const ours = mail.filter((m) => m.to.some((to) => to.startsWith(`burst-${batch.toLowerCase()}-`)));
  const { rows: unbalanced } = await target.pool.query(
    'SELECT entry_key FROM journal_lines GROUP BY entry_key HAVING sum(debit) <> sum(credit)',
  );
  return {
    salesOrders: orders.length - dealIds.length,
    invoices: await beyondOne(
      `SELECT count(*) - count(DISTINCT order_number) AS n FROM invoices JOIN sales_orders USING (order_number) WHERE deal_id LIKE $1`,
    ),
    legacyErpOrders: extra(
      kept<LegacyOrder>(target.stateDir, 'legacy-erp.json')
        .filter((o) => references.has(o.reference))
        .map((o) => o.reference),
    ),
    itAccounts: extra(
      kept<PortalUser>(target.stateDir, 'it-admin.json')
        .filter((u) => numbers.has(u.employeeNumber))
        .map((u) => u.employeeNumber),
    ),
    payrollEnrolments: extra(
      kept<PayrollEmployee>(target.stateDir, 'payroll.json')
        .filter((e) => numbers.has(e.reference))
        .map((e) => e.reference),
    ),
    emails: extra(ours.map((m) => `${m.to.join(',')}|${m.subject}`)),
    unbalancedLedgerEntries: unbalanced.length,
  };
}

/** Activity attempts of these runs that ran out of time (start-to-close or heartbeat), from their histories. */
async function countActivityTimeouts(client: Client, workflowIds: string[]): Promise<number> {
  let timeouts = 0;
  for (const workflowId of workflowIds) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    // A timed-out attempt that was retried shows only in the next attempt's last failure.
    timeouts += (history.events ?? []).filter(
      (e) => e.activityTaskTimedOutEventAttributes || e.activityTaskStartedEventAttributes?.lastFailure?.timeoutFailureInfo,
    ).length;
  }
  return timeouts;
}
