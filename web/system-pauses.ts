import { setTimeout as sleep } from 'node:timers/promises';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { z } from 'zod';
import { plainText } from '../contracts/fields';
import { PAUSES_READ_EVERY_MS, RELEASE_PER_SECOND } from '../contracts/system-pauses';
import { stepHeldSignal } from '../workflows/progress';
import { whileHoldingLock } from '../db/session-lock';
import { repeatEvery } from '../infra/repeat';
import { GRPC, refusedWith } from '../infra/temporal';
import { Refusal } from './errors';
import type { Authenticate } from './identity';
import type { OperatorLog } from '../db/operator-log';
import { operatorReason } from './operator-log';
import { requireRole } from './roles';

/**
 * Pausing a connected system that is down (`officeflow pause legacy-erp --reason "portal down"`): the workers hold
 * every activity of the system from then on (workers/system-pauses.ts), so runs wait instead of failing or spending
 * their retries on it. Resuming lets the held activities go at a bounded rate, attempts counted afresh, so the system
 * coming back is not met by every held step in the same second.
 */

/** A held activity unpaused this soon after it was held may not be paused in Temporal yet: it is tried again. */
const HOLD_SETTLES_MS = 30_000;

export interface SystemState {
  system: string;
  state: 'running' | 'paused' | 'resuming';
  reason?: string;
  pausedBy?: string;
  pausedAt?: string;
  /** Activities held now. */
  held: number;
}

/** Lets held activities go while their system resumes, at its rate; one engine's intake at a time. */
export function heldActivityRelease(pool: Pool, client: Client, engine: string, log: Logger) {
  let stopping = false;

  /** Tells a run that a step of it is held (`why`), or goes on (no `why`), for its current details in the UI. */
  const tellRun = (held: { workflowId: string; runId: string }, why?: string) =>
    client.workflow
      .getHandle(held.workflowId, held.runId)
      .signal(stepHeldSignal, { why })
      .catch((error: unknown) => {
        // A run that ended meanwhile has nothing to show.
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      });

  const releaseOnce = () =>
    whileHoldingLock(pool, `held-activities:${engine}`, async () => {
      const { rows: untold } = await pool.query<{ workflowId: string; runId: string; activityId: string; why: string }>(
        `SELECT workflow_id AS "workflowId", run_id AS "runId", activity_id AS "activityId", why
           FROM held_activities WHERE engine = $1 AND NOT run_told AND why IS NOT NULL ORDER BY held_at LIMIT 200`,
        [engine],
      );
      for (const held of untold) {
        await tellRun(held, held.why);
        await pool.query(`UPDATE held_activities SET run_told = true WHERE workflow_id = $1 AND run_id = $2 AND activity_id = $3`, [
          held.workflowId,
          held.runId,
          held.activityId,
        ]);
      }
      const { rows } = await pool.query<{
        workflowId: string;
        runId: string;
        activityId: string;
        heldAt: Date;
        perSecond: number | null;
        runTold: boolean;
      }>(
        `SELECT h.workflow_id AS "workflowId", h.run_id AS "runId", h.activity_id AS "activityId", h.held_at AS "heldAt",
                p.release_per_second AS "perSecond", h.run_told AS "runTold"
           FROM held_activities h LEFT JOIN system_pauses p ON p.engine = h.engine AND p.system = h.system
          WHERE h.engine = $1 AND (p.state IS NULL OR p.state = 'resuming') ORDER BY h.held_at LIMIT 200`,
        [engine],
      );
      for (const held of rows) {
        if (stopping) return;
        if (await unpause(held)) {
          if (held.runTold) await tellRun(held);
          await pool.query(`DELETE FROM held_activities WHERE workflow_id = $1 AND run_id = $2 AND activity_id = $3`, [
            held.workflowId,
            held.runId,
            held.activityId,
          ]);
        }
        await sleep(1000 / (held.perSecond ?? RELEASE_PER_SECOND));
      }
      // A system resumed with nothing held any more runs as before.
      await pool.query(
        `DELETE FROM system_pauses p WHERE engine = $1 AND state = 'resuming'
            AND NOT EXISTS (SELECT 1 FROM held_activities h WHERE h.engine = p.engine AND h.system = p.system)`,
        [engine],
      );
    });

  /** Unpauses one held activity; answers whether it is no longer held (let go, or its run is gone). */
  async function unpause(held: { workflowId: string; runId: string; activityId: string; heldAt: Date }): Promise<boolean> {
    try {
      await client.workflowService.unpauseActivity({
        namespace: client.options.namespace,
        execution: { workflowId: held.workflowId, runId: held.runId },
        id: held.activityId,
        identity: 'officeflow (system resumed)',
        // Its attempts start again: the outage spent none of them.
        resetAttempts: true,
        resetHeartbeat: true,
      });
      return true;
    } catch (error) {
      if (refusedWith(error, GRPC.notFound)) return true;
      // Not paused: not yet (its worker is about to pause it), or any more.
      if (refusedWith(error, GRPC.failedPrecondition)) return Date.now() - held.heldAt.getTime() > HOLD_SETTLES_MS;
      throw error;
    }
  }

  const chore = repeatEvery(
    PAUSES_READ_EVERY_MS,
    async () => void (await releaseOnce()),
    (error) => log.warn({ err: error }, 'held activities were not let go; trying again'),
  );
  return {
    /** Starts the next release now (a system was just resumed). */
    kick: chore.kick,
    async stop() {
      stopping = true;
      await chore.stop();
    },
  };
}

/**
 * `GET /systems` (operators and auditors): each connected system, running, paused or resuming, and how many of its
 * activities are held; `POST /systems/:system/pause|resume` (operators), each with a reason, in the operator log.
 */
export const systemPauseRoutes: FastifyPluginAsyncZod<{
  pool: Pool;
  engine: string;
  systems: string[];
  release: { kick(): void };
  authenticate: Authenticate;
  log: OperatorLog;
}> = async (app, { pool, engine, systems, release, authenticate, log }) => {
  const states = async (): Promise<SystemState[]> => {
    const { rows } = await pool.query<Omit<SystemState, 'held'> & { held: number }>(
      `SELECT p.system, p.state, p.reason, p.paused_by AS "pausedBy", p.paused_at AS "pausedAt",
              (SELECT count(*)::int FROM held_activities h WHERE h.engine = p.engine AND h.system = p.system) AS held
         FROM system_pauses p WHERE p.engine = $1`,
      [engine],
    );
    const bySystem = new Map(rows.map((row) => [row.system, row]));
    return systems.map((system) => bySystem.get(system) ?? { system, state: 'running', held: 0 });
  };
  const systemParam = z.object({ system: plainText(100).min(1) });
  const known = (system: string) => {
    if (!systems.includes(system)) throw new Refusal(404, 'no_such_system', `no system "${system}": one of ${systems.join(', ')}`);
  };

  app.get('/', async (request) => {
    const person = await authenticate(request.headers.authorization);
    requireRole(person, 'list systems', 'operator', 'auditor');
    return states();
  });

  app.post('/:system/pause', { schema: { params: systemParam, body: z.object({ reason: operatorReason }) } }, async (request) => {
    const person = await authenticate(request.headers.authorization);
    requireRole(person, 'pause systems', 'operator');
    const { system } = request.params;
    known(system);
    await pool.query(
      `INSERT INTO system_pauses (engine, system, reason, paused_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (engine, system) DO UPDATE SET state = 'paused', reason = $3, paused_by = $4, paused_at = now(), release_per_second = NULL`,
      [engine, system, request.body.reason, person.email],
    );
    await log.record({ actor: person.email, action: 'system-pause', target: system, reason: request.body.reason });
    // Answered once every worker has read it: from here on, no activity of the system starts.
    await sleep(PAUSES_READ_EVERY_MS + 200);
    return (await states()).find((state) => state.system === system);
  });

  app.post(
    '/:system/resume',
    {
      schema: {
        params: systemParam,
        body: z.object({ reason: operatorReason, perSecond: z.number().positive().max(100).default(RELEASE_PER_SECOND) }),
      },
    },
    async (request) => {
      const person = await authenticate(request.headers.authorization);
      requireRole(person, 'resume systems', 'operator');
      const { system } = request.params;
      known(system);
      const { rowCount } = await pool.query(
        `UPDATE system_pauses SET state = 'resuming', release_per_second = $3 WHERE engine = $1 AND system = $2 AND state = 'paused'`,
        [engine, system, request.body.perSecond],
      );
      if (rowCount === 0) throw new Refusal(409, 'not_paused', `${system} is not paused`);
      await log.record({
        actor: person.email,
        action: 'system-resume',
        target: system,
        reason: request.body.reason,
        detail: { perSecond: request.body.perSecond },
      });
      release.kick();
      return (await states()).find((state) => state.system === system);
    },
  );
};
