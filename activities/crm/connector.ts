import { ApplicationFailure } from '@temporalio/common';

export type DealStage = 'ordered' | 'shipped' | 'invoiced' | 'paid' | 'blocked' | 'cancelled';

/**
 * The CRM connector: where officeflow tells the front office how a deal is going. It speaks a small HTTP API
 * (`PUT {CRM_URL}/deals/:id/stage`); plug in your own CRM by serving that API or by replacing this file.
 */
export function crmActivities(crmUrl: string) {
  return {
    /** Moves a deal to a stage. `updateKey` names the run and step, so a retried update is applied once. */
    async updateDeal(update: { dealId: string; stage: DealStage; note?: string; updateKey: string }): Promise<void> {
      const response = await fetch(new URL(`/deals/${encodeURIComponent(update.dealId)}/stage`, crmUrl), {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'idempotency-key': update.updateKey },
        body: JSON.stringify({ stage: update.stage, note: update.note }),
      });
      if (response.ok) return;
      const message = `CRM refused deal ${update.dealId} -> ${update.stage}: ${response.status} ${await response.text()}`;
      // A client error will not mend itself on retry; a server error may.
      throw response.status < 500 && response.status !== 429 ? ApplicationFailure.nonRetryable(message, 'CrmRefused') : new Error(message);
    },
  };
}
