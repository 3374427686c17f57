import type { Pool } from 'pg';
import type { AuditEntry } from '../../contracts/contract';

/** The contracts' audit trail: an append-only table, each entry kept once per key however often it is written. */
export function contractAuditActivities(pool: Pool) {
  return {
    async recordAudit(entry: AuditEntry & { entryKey: string }): Promise<void> {
      await pool.query(
        `INSERT INTO contract_audit (entry_key, contract_id, event, actor, on_behalf_of, document_version, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (entry_key) DO NOTHING`,
        [entry.entryKey, entry.contractId, entry.event, entry.actor ?? null, entry.onBehalfOf ?? null, entry.documentVersion, entry.detail],
      );
    },
  };
}
