import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { Pool } from 'pg';
import pino from 'pino';
import { decisionLinks } from '../../codec/decision-links';
import { processes } from '../../definitions';
import { buildIntake } from '../../engine/web';
import { localPort } from '../../infra/ports';
import type { Authenticate } from '../../web/identity';

const noOneSignsIn = (() => Promise.reject(new Error('no one signs in here'))) as unknown as Authenticate;

it('says which backend is unreachable but not why: the reason, naming hosts and ports, goes to the log', async () => {
  // PostgreSQL on a port nothing listens on; a Temporal client whose server is away.
  const pool = new Pool({ connectionString: `postgres://officeflow:hunter2@127.0.0.1:${await localPort(0, 'POSTGRES_PORT')}/officeflow` });
  const temporalAway = {
    workflowService: { getSystemInfo: () => Promise.reject(new Error('14 UNAVAILABLE: connect ECONNREFUSED 10.20.30.40:7233')) },
  };
  const lines: string[] = [];
  const intake = buildIntake({
    client: temporalAway as unknown as Client,
    pool,
    registry: processes,
    senders: [],
    authenticate: noOneSignsIn,
    rateLimit: 100,
    links: decisionLinks(randomBytes(32).toString('base64'), 'http://127.0.0.1'),
    log: pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) }),
  });
  try {
    const response = await intake.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'degraded', temporal: 'unreachable', postgres: 'unreachable' });

    const warnings = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg.startsWith('health check'));
    expect(warnings.map((entry) => entry.backend).sort()).toEqual(['postgres', 'temporal']);
    expect(warnings.find((entry) => entry.backend === 'temporal').err.message).toContain('10.20.30.40:7233');
    expect(warnings.find((entry) => entry.backend === 'postgres').err.message).toMatch(/ECONNREFUSED/);
  } finally {
    await intake.close();
    await pool.end();
  }
});
