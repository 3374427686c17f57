import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { whileHoldingLock } from '../db/session-lock';
import { inTransaction } from '../db/transaction';
import type { OperatorLog } from '../db/operator-log';
import { type RepairAction, refusalOf, repair } from './repairs';

/**
 * Batch repairs: an operator's retry, reset or cancel of many runs at once, worked through by the engine one run at a
 * time at a bounded rate (so a recovering system is not hit by hundreds of retries in the same second), each run's
 * outcome kept in `repair_batches`/`repair_batch_runs` and each repair in the operator log, as if asked for alone.
 *
 * Temporal's own batch operations (StartBatchOperation) take a query and report only counts; the operator is owed
 * which runs were repaired and which were refused and why, and a retry that differs per run (a step still retrying is
 * attempted again, an ended run is reset to before its failed step), so the engine drives the batch itself.
 */

export interface NewBatch {
  action: RepairAction;
  actor: string;
  reason: string;
  /** What the operator selected, kept with the batch: the query, a failure type, a time, a reset's step. */
  selection: { query: string; failure?: string; since?: string; toStep?: string };
  perSecond: number;
  runs: Array<{ workflowId: string; runId: string }>;
}

export interface BatchRun {
  workflowId: string;
  runId: string;
  outcome: 'repaired' | 'refused' | 'failed' | null;
  detail: Record<string, unknown> | null;
}

export interface BatchReport {
  batchId: string;
  action: RepairAction;
  actor: string;
  reason: string;
  selection: NewBatch['selection'];
  status: 'running' | 'stopped' | 'done';
  total: number;
  repaired: number;
  refused: number;
  failed: number;
  createdAt: string;
  finishedAt: string | null;
  runs?: BatchRun[];
}

const REPORT = `SELECT b.batch_id AS "batchId", b.action, b.actor, b.reason, b.selection, b.status,
        b.created_at AS "createdAt", b.finished_at AS "finishedAt", count(r.*)::int AS total,
        count(*) FILTER (WHERE r.outcome = 'repaired')::int AS repaired,
        count(*) FILTER (WHERE r.outcome = 'refused')::int AS refused,
        count(*) FILTER (WHERE r.outcome = 'failed')::int AS failed
   FROM repair_batches b LEFT JOIN repair_batch_runs r USING (batch_id)`;

export function repairBatches(pool: Pool, client: Client, operators: OperatorLog, log: Logger) {
  const working = new Map<string, Promise<unknown>>();
  let closing = false;

  /** Repairs one run of the batch, unless the run moved on since the operator saw it (reset already: a new run). */
  async function tryRun(batch: Pick<NewBatch, 'action' | 'actor' | 'reason' | 'selection'>, batchId: string, run: BatchRun) {
    try {
      const { runId: newest } = await client.workflow.getHandle(run.workflowId).describe();
      if (newest !== run.runId)
        return { outcome: 'refused' as const, detail: { message: `moved on to run ${newest} since it was selected` } };
      const identity = `officeflow operator ${batch.actor} (batch ${batchId})`;
      const result = await repair(client, batch.action, run, { reason: batch.reason, toStep: batch.selection.toStep }, identity);
      await operators.record({
        actor: batch.actor,
        action: batch.action,
        target: run.workflowId,
        reason: batch.reason,
        detail: { ...result, batchId },
      });
      return { outcome: 'repaired' as const, detail: result };
    } catch (error) {
      const refusal = refusalOf(error, run.workflowId);
      if (refusal) return { outcome: 'refused' as const, detail: { error: refusal.code, message: refusal.message } };
      log.warn({ err: error, batchId, workflowId: run.workflowId }, 'a batch repair failed');
      return { outcome: 'failed' as const, detail: { message: (error as Error).message } };
    }
  }

  /** Works through the batch's runs not yet tried, while it is running; one engine at a time. */
  const work = (batchId: string) =>
    whileHoldingLock(pool, `repair-batch:${batchId}`, async () => {
      while (!closing) {
        const { rows: batches } = await pool.query(
          `SELECT action, actor, reason, selection, per_second AS "perSecond", status FROM repair_batches WHERE batch_id = $1`,
          [batchId],
        );
        const batch = batches[0] as NewBatch & { status: string };
        if (batch?.status !== 'running') return;
        const { rows: next } = await pool.query<BatchRun & { position: number }>(
          `SELECT position, workflow_id AS "workflowId", run_id AS "runId" FROM repair_batch_runs
            WHERE batch_id = $1 AND outcome IS NULL ORDER BY position LIMIT 1`,
          [batchId],
        );
        if (next.length === 0) {
          await pool.query(`UPDATE repair_batches SET status = 'done', finished_at = now() WHERE batch_id = $1 AND status = 'running'`, [
            batchId,
          ]);
          return;
        }
        const began = Date.now();
        const { outcome, detail } = await tryRun(batch, batchId, next[0]);
        await pool.query(`UPDATE repair_batch_runs SET outcome = $3, detail = $4, tried_at = now() WHERE batch_id = $1 AND position = $2`, [
          batchId,
          next[0].position,
          outcome,
          detail,
        ]);
        await sleep(Math.max(0, 1000 / batch.perSecond - (Date.now() - began)));
      }
    });

  /** Starts working through a batch in the background, unless this engine already is. */
  function kick(batchId: string): void {
    if (closing || working.has(batchId)) return;
    const done = work(batchId)
      .catch((error: unknown) => log.error({ err: error, batchId }, 'a repair batch stopped on an error; resume it'))
      .finally(() => working.delete(batchId));
    working.set(batchId, done);
  }

  async function report(batchId: string, withRuns = false): Promise<BatchReport | undefined> {
    const { rows } = await pool.query<BatchReport>(`${REPORT} WHERE b.batch_id = $1 GROUP BY b.batch_id`, [batchId]);
    if (!rows[0] || !withRuns) return rows[0];
    const { rows: runs } = await pool.query<BatchRun>(
      `SELECT workflow_id AS "workflowId", run_id AS "runId", outcome, detail FROM repair_batch_runs WHERE batch_id = $1 ORDER BY position`,
      [batchId],
    );
    return { ...rows[0], runs };
  }

  return {
    async create(batch: NewBatch): Promise<BatchReport> {
      const batchId = `RB-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${randomUUID().slice(0, 8)}`;
      await inTransaction(pool, async (db) => {
        await db.query(
          `INSERT INTO repair_batches (batch_id, action, actor, reason, selection, per_second) VALUES ($1, $2, $3, $4, $5, $6)`,
          [batchId, batch.action, batch.actor, batch.reason, batch.selection, batch.perSecond],
        );
        await db.query(
          `INSERT INTO repair_batch_runs (batch_id, position, workflow_id, run_id)
           SELECT $1, position, workflow_id, run_id FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS r(workflow_id, run_id, position)`,
          [batchId, batch.runs.map((run) => run.workflowId), batch.runs.map((run) => run.runId)],
        );
      });
      kick(batchId);
      return (await report(batchId))!;
    },
    report,
    async list(limit = 50): Promise<BatchReport[]> {
      const { rows } = await pool.query<BatchReport>(`${REPORT} GROUP BY b.batch_id ORDER BY b.created_at DESC LIMIT $1`, [limit]);
      return rows;
    },
    /** Stops a running batch after the run in hand; answers whether it was running. */
    async stop(batchId: string): Promise<boolean> {
      const { rowCount } = await pool.query(`UPDATE repair_batches SET status = 'stopped' WHERE batch_id = $1 AND status = 'running'`, [
        batchId,
      ]);
      return rowCount === 1;
    },
    /** Resumes a stopped batch (or one whose engine stopped) where it stopped; answers whether it had runs left. */
    async resume(batchId: string): Promise<boolean> {
      const { rowCount } = await pool.query(`UPDATE repair_batches SET status = 'running' WHERE batch_id = $1 AND status <> 'done'`, [
        batchId,
      ]);
      if (rowCount === 1) kick(batchId);
      return rowCount === 1;
    },
    /** Takes up the batches left running by an engine that stopped. */
    async takeUpLeftOver(): Promise<void> {
      const { rows } = await pool.query<{ batchId: string }>(`SELECT batch_id AS "batchId" FROM repair_batches WHERE status = 'running'`);
      for (const { batchId } of rows) kick(batchId);
    },
    async close(): Promise<void> {
      closing = true;
      await Promise.all(working.values());
    },
  };
}

export type RepairBatches = ReturnType<typeof repairBatches>;
