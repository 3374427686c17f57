import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { encryptionCodec } from '../../codec/data-converter';
import { decodeJsonPayloads } from '../../codec/json-payloads';

/** Where recorded histories live: one folder per workflow type, one file per path through the process. */
export const HISTORIES_DIR = path.resolve(__dirname, '../replay/histories');

/**
 * With RECORD_HISTORIES=1, keeps a finished run's history as a replay fixture (`npm run test:record`). Payloads
 * are stored decrypted, so the fixtures replay without the run's key and no key reaches the repository.
 */
export async function keepHistory(client: Client, encryptionKeys: string, workflowId: string, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const handle = client.workflow.getHandle(workflowId);
  const { type } = await handle.describe();
  const history = JSON.parse(historyToJSON(await handle.fetchHistory()));
  const decoded = await decodeJsonPayloads(history, encryptionCodec(encryptionKeys));
  mkdirSync(path.join(HISTORIES_DIR, type), { recursive: true });
  writeFileSync(path.join(HISTORIES_DIR, type, `${name}.json`), JSON.stringify(decoded, null, 2) + '\n');
}
