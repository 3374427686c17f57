import type { Pool } from 'pg';
import { type ObjectRun, type OpenTask, openTasksOf, runsTouching } from './object-runs';

/** One contract across every process: its approval and signature runs, the tasks waiting, its audit trail in short. */
export interface ContractView {
  contract: string;
  /** Where it stands: its latest run's step, or how that run ended. */
  state?: string;
  customer?: string;
  runs: ObjectRun[];
  openTasks: OpenTask[];
  /** The audit trail's entries by kind (`submitted`, `approved`, `signed`): `GET /contracts/<id>/audit` reads them. */
  audit: Array<{ event: string; entries: number; last: string }>;
}

export async function contractView(pool: Pool, contract: string, taskQueues: string[]): Promise<ContractView> {
  const runs = await runsTouching(pool, { contract: [contract] }, taskQueues);
  const { rows: audit } = await pool.query<ContractView['audit'][number]>(
    `SELECT event, count(*)::int AS entries, max(recorded_at) AS last FROM contract_audit WHERE contract_id = $1
      GROUP BY event ORDER BY min(position)`,
    [contract],
  );
  const latest = runs.at(-1);
  return {
    contract,
    ...(latest ? { state: latest.outcome ?? latest.step ?? 'started' } : {}),
    ...(latest?.objects.customer ? { customer: latest.objects.customer } : {}),
    runs,
    openTasks: await openTasksOf(pool, runs),
    audit,
  };
}
