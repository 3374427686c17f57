import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import pino from 'pino';
import { encryptionCodec } from '../../codec/data-converter';
import { decodeJsonPayloads } from '../../codec/json-payloads';
import { resolveTemporalCli } from '../../infra/temporal-cli';

/** Where recorded histories live: one folder per workflow type, one file per path through the process. */
export const HISTORIES_DIR = path.resolve(__dirname, '../replay/histories');

/**
 * With RECORD_HISTORIES=1, keeps a finished run's history as a replay fixture (`npm run test:record`), exported as
 * the Temporal CLI and UI export it. Payloads are stored decrypted, so the fixtures replay without the run's key and
 * no key reaches the repository.
 */
export async function keepHistory(
  client: Client,
  temporal: { address: string; namespace: string },
  encryptionKeys: string,
  workflowId: string,
  name: string,
): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const { type } = await client.workflow.getHandle(workflowId).describe();
  const cli = resolveTemporalCli(process.env.TEMPORAL_CLI_PATH, pino({ level: 'silent' }))!;
  const { stdout } = await promisify(execFile)(
    cli,
    ['workflow', 'show', '--workflow-id', workflowId, '--output', 'json', '--address', temporal.address, '--namespace', temporal.namespace],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const decoded = await decodeJsonPayloads(JSON.parse(stdout), encryptionCodec(encryptionKeys));
  mkdirSync(path.join(HISTORIES_DIR, type), { recursive: true });
  writeFileSync(path.join(HISTORIES_DIR, type, `${name}.json`), JSON.stringify(decoded, null, 2) + '\n');
}
