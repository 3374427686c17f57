import { Client } from '@hubspot/api-client';
import { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/objects/notes';
import { ApplicationFailure } from '@temporalio/common';
import type { DealStage, FetchingCrm, WonDeal } from '../../contracts/order';
import { type DealProperties, LINE_ITEM_PROPERTIES, companyPropertyNames, wonDealOf } from './hubspot-deal';
import { noteMark, passes, vendorFailure } from './vendor-answers';

/**
 * The CRM connector for HubSpot, through HubSpot's own SDK (`@hubspot/api-client`) and its CRM v3 objects API: a
 * milestone moves the deal to the pipeline stage the settings map it to (`dealstage`), and every note is a note
 * associated with the deal. A milestone the pipeline has no stage for is told as a note.
 */
export interface HubSpotSettings {
  /** A private app's access token (scopes `crm.objects.deals.read`, `crm.objects.deals.write`). */
  accessToken: string;
  /** HubSpot's API (`https://api.hubapi.com`), or a stand-in speaking it. */
  baseUrl: string;
  /** officeflow's milestones to the pipeline's stage ids, e.g. `{ paid: 'closedwon' }`. */
  stages: Partial<Record<DealStage, string>>;
  /** Which properties hold what an order needs. */
  properties: DealProperties;
}

/** HubSpot's association type of a note to a deal ("HUBSPOT_DEFINED" 214, `AssociationTypes.noteToDeal` in the SDK). */
const NOTE_TO_DEAL = 214;

export function hubspotActivities({ accessToken, baseUrl, stages, properties }: HubSpotSettings) {
  // No retries inside the SDK: Temporal retries the step, after the time HubSpot asked for (see `refusal`).
  const client = new Client({ accessToken, basePath: baseUrl.replace(/\/$/, '') });

  /** Adds a note to the deal once per key: a note bearing the key's mark is already there after a retry. */
  const noteOnce = async (dealId: string, key: string, text: string) => {
    const mark = noteMark(key);
    const deal = await client.crm.deals.basicApi.getById(dealId, [], undefined, ['notes']);
    const noteIds = (deal.associations?.notes?.results ?? []).map(({ id }) => ({ id }));
    // A batch read takes at most 100 ids.
    for (let start = 0; start < noteIds.length; start += 100) {
      const { results } = await client.crm.objects.notes.batchApi.read({
        inputs: noteIds.slice(start, start + 100),
        properties: ['hs_note_body'],
        propertiesWithHistory: [],
      });
      if (results.some((note) => note.properties.hs_note_body?.includes(mark))) return;
    }
    await client.crm.objects.notes.basicApi.create({
      properties: { hs_note_body: `${text}\n\n(${mark})`, hs_timestamp: new Date().toISOString() },
      associations: [
        {
          to: { id: dealId },
          types: [{ associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: NOTE_TO_DEAL }],
        },
      ],
    });
  };

  /** A deal with what an order needs: its line items, its company, a contact's e-mail, its owner's. */
  const fetchDeal = async (dealId: string) => {
    const deal = await client.crm.deals.basicApi.getById(
      dealId,
      ['dealname', 'deal_currency_code', 'payment_terms_days', 'hubspot_owner_id', 'hs_is_closed_won'],
      undefined,
      ['line_items', 'companies', 'contacts'],
    );
    // HubSpot names the line items' association "line items"; read its API name too.
    const associated = (type: string) => (deal.associations?.[type]?.results ?? []).map(({ id }) => id);
    const lineItemIds = [...new Set([...associated('line items'), ...associated('line_items')])];
    const [lineItems, company, contact, owner] = await Promise.all([
      lineItemIds.length === 0
        ? { results: [] }
        : client.crm.lineItems.batchApi.read({
            inputs: lineItemIds.map((id) => ({ id })),
            properties: LINE_ITEM_PROPERTIES,
            propertiesWithHistory: [],
          }),
      associated('companies')[0] === undefined
        ? undefined
        : client.crm.companies.basicApi.getById(associated('companies')[0], companyPropertyNames(properties)),
      associated('contacts')[0] === undefined ? undefined : client.crm.contacts.basicApi.getById(associated('contacts')[0], ['email']),
      deal.properties.hubspot_owner_id ? client.crm.owners.ownersApi.getById(Number(deal.properties.hubspot_owner_id)) : undefined,
    ]);
    return wonDealOf(
      { deal, lineItems: lineItems.results, company, contactEmail: contact?.properties.email ?? undefined, ownerEmail: owner?.email },
      properties,
    );
  };

  return {
    /** The won deal the CRM named by id, with its lines, customer and sales rep: fails for good when it makes no order. */
    async fetchWonDeal({ dealId, crm }: { dealId: string; crm: FetchingCrm }): Promise<WonDeal> {
      if (crm !== 'hubspot') throw ApplicationFailure.nonRetryable(`a ${crm} deal, but officeflow is connected to HubSpot`, 'CrmMismatch');
      try {
        return await fetchDeal(dealId);
      } catch (error) {
        throw refusal(error, `deal ${dealId}`);
      }
    },

    /** Moves a deal to the stage mapped for the milestone (once: a deal already there is left alone), with its note. */
    async updateDeal(update: { dealId: string; stage: DealStage; note?: string; updateKey: string }): Promise<void> {
      await told(`deal ${update.dealId} -> ${update.stage}`, async () => {
        const stageId = stages[update.stage];
        if (stageId) {
          const deal = await client.crm.deals.basicApi.getById(update.dealId, ['dealstage']);
          if (deal.properties.dealstage !== stageId)
            await client.crm.deals.basicApi.update(update.dealId, { properties: { dealstage: stageId } });
        }
        const note = stageId ? update.note : [`Milestone: ${update.stage}.`, update.note].filter(Boolean).join(' ');
        if (note) await noteOnce(update.dealId, update.updateKey, note);
      });
    },

    /** Adds a note to a deal, leaving its stage as it is. */
    async noteOnDeal(note: { dealId: string; text: string; noteKey: string }): Promise<void> {
      await told(`a note on deal ${note.dealId}`, () => noteOnce(note.dealId, note.noteKey, note.text));
    },
  };
}

/** Runs a call to HubSpot, its refusals as Temporal failures (see `refusal`). */
async function told(what: string, call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (error) {
    throw refusal(error, what);
  }
}

/**
 * HubSpot's answer as a failure (see `vendorFailure`): its rate limits answer 429 with `Retry-After`
 * (https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details); other refusals quote HubSpot's message and
 * the fields it names.
 */
function refusal(error: unknown, what: string): Error {
  const answer = error as {
    code?: number;
    body?: { message?: string; errors?: Array<{ message?: string; context?: object }> };
    headers?: Record<string, string>;
  };
  if (typeof answer.code !== 'number') return error as Error;
  const fields = answer.body?.errors?.map((e) => `${e.message ?? ''} ${JSON.stringify(e.context ?? {})}`).join('; ');
  return vendorFailure('HubSpot', what, {
    passing: passes(answer.code),
    message: `${answer.code} ${answer.body?.message ?? ''}${fields ? ` (${fields})` : ''}`,
    retryAfterSeconds: Number(answer.headers?.['retry-after']) || undefined,
  });
}
