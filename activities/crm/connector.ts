import { ApplicationFailure } from '@temporalio/common';
import type { DealStage, FetchingCrm, WonDeal } from '../../contracts/order';

/**
 * The CRM connector: where officeflow tells the front office how a deal is going. It speaks a small HTTP API
 * (`PUT {CRM_URL}/deals/:id/stage`, `POST {CRM_URL}/deals/:id/notes`); plug in your own CRM by serving that API
 * or by replacing this file.
 */
export function crmActivities(crmUrl: string) {
  /** Sends one change to the CRM; `key` names the run and step, so a retried change is applied once. */
  const send = async (method: 'PUT' | 'POST', path: string, key: string, body: object, what: string) => {
    const response = await fetch(new URL(path, crmUrl), {
      method,
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });
    if (response.ok) return;
    const message = `CRM refused ${what}: ${response.status} ${await response.text()}`;
    // A client error will not mend itself on retry; a server error may.
    throw response.status < 500 && response.status !== 429 ? ApplicationFailure.nonRetryable(message, 'CrmRefused') : new Error(message);
  };
  return {
    /** Moves a deal to a stage, with an optional note. */
    async updateDeal(update: { dealId: string; stage: DealStage; note?: string; updateKey: string }): Promise<void> {
      const path = `/deals/${encodeURIComponent(update.dealId)}/stage`;
      await send('PUT', path, update.updateKey, { stage: update.stage, note: update.note }, `deal ${update.dealId} -> ${update.stage}`);
    },

    /** officeflow's CRM API sends whole deals: a deal named by id comes from a CRM that is not connected. */
    async fetchWonDeal({ crm }: { dealId: string; crm: FetchingCrm }): Promise<WonDeal> {
      throw ApplicationFailure.nonRetryable(
        `a ${crm} deal, but officeflow is connected to its own CRM API (set CRM=${crm})`,
        'CrmMismatch',
      );
    },

    /** Adds a note to a deal, leaving its stage as it is. */
    async noteOnDeal(note: { dealId: string; text: string; noteKey: string }): Promise<void> {
      await send(
        'POST',
        `/deals/${encodeURIComponent(note.dealId)}/notes`,
        note.noteKey,
        { text: note.text },
        `a note on deal ${note.dealId}`,
      );
    },
  };
}
