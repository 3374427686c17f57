import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import pino from 'pino';
import { Pool } from 'pg';
import { allSearchAttributes } from '../../definitions';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { ensureSearchAttributes, temporalEndpoint } from '../../infra/temporal';
import { testConfig, uniqueId } from '../support/engine';

const settings = testConfig();
const log = pino({ level: 'silent' });
const temporal = temporalEndpoint(settings);

async function customSearchAttributes(): Promise<Record<string, unknown>> {
  const connection = await Connection.connect({ address: temporal.address });
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: temporal.namespace });
    return customAttributes ?? {};
  } finally {
    await connection.close();
  }
}

it('the local dev server has every search attribute the processes use', async () => {
  const registered = await customSearchAttributes();
  for (const key of allSearchAttributes()) expect(Object.keys(registered)).toContain(key.name);
});

it('registers missing search attributes on a configured cluster, once', async () => {
  const key = defineSearchAttributeKey(uniqueId('TestAttribute').replace(/-/g, ''), SearchAttributeType.KEYWORD);
  await ensureSearchAttributes(temporal, [...allSearchAttributes(), key], log);
  await ensureSearchAttributes(temporal, [...allSearchAttributes(), key], log);
  expect(Object.keys(await customSearchAttributes())).toContain(key.name);
});

it('applies versioned migrations once: `officeflow migrate` on a migrated database changes nothing', async () => {
  const root = path.resolve(__dirname, '../..');
  const { stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'migrate'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: settings.DATABASE_URL!, LOG_LEVEL: 'warn' },
  });
  expect(stderr).toBe('');
  const pool = new Pool({ connectionString: settings.DATABASE_URL! });
  try {
    const { rows } = await pool.query('SELECT name FROM schema_migrations ORDER BY id');
    const files = readdirSync(path.join(root, 'db/migrations'))
      .map((file) => file.replace(/\.sql$/, ''))
      .sort();
    expect(files.length).toBeGreaterThan(0);
    expect(rows.map((row) => row.name)).toEqual(files);
  } finally {
    await pool.end();
  }
});
