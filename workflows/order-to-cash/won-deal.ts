import { ActivityFailure, ApplicationFailure, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { toDecimal } from '../../contracts/money';
import { DEAL_INCOMPLETE, type OrderInput, type OrderToCashInput, orderTotal } from '../../contracts/order';
import { CustomerId, OrderTotal } from '../../contracts/search-attributes';
import type { RunProgress } from '../progress';
import { quickStep } from '../retry-profiles';

const { fetchWonDeal, noteOnDeal } = proxyActivities<Activities>(quickStep);

/**
 * 0. The deal: as the CRM sent it, or where it named the deal by id only (a vendor's webhook), fetched from the CRM.
 * A fetched deal that does not make an order fails the run, saying what is missing, and the CRM gets a note saying
 * it too: once Sales has fixed the deal, an operator retries the run (`officeflow retry`), which fetches it again.
 */
export async function wonDeal(input: OrderToCashInput, progress: RunProgress): Promise<OrderInput> {
  if (!('crm' in input)) return input;
  const { dealId, crm, settings } = input;
  try {
    const deal = await fetchWonDeal({ dealId, crm });
    // Known once fetched: operators find the run by customer and total from here on.
    upsertSearchAttributes([
      { key: CustomerId, value: deal.customer.id },
      { key: OrderTotal, value: Number(toDecimal(orderTotal(deal.lines, deal.currency))) },
    ]);
    progress.enterStep('credit-check');
    return { ...deal, settings };
  } catch (error) {
    const cause = error instanceof ActivityFailure ? error.cause : undefined;
    if (!(cause instanceof ApplicationFailure) || cause.type !== DEAL_INCOMPLETE) throw error;
    // What is missing, field by field, as the fetch found it.
    const missing = (cause.details?.[0] as { fields?: string[] } | undefined)?.fields?.join('; ') ?? cause.message;
    await noteOnDeal({
      dealId,
      text: `officeflow did not take this deal: ${missing}. Once it is fixed here, officeflow's operators retry it.`,
      // One note for each thing found missing: a retry that finds something else missing says so too.
      noteKey: `${workflowInfo().workflowId}/incomplete/${missing}`,
    });
    progress.enterStep('deal-incomplete', { on: 'Sales' });
    throw ApplicationFailure.nonRetryable(`deal ${dealId} cannot become an order: ${missing}`, DEAL_INCOMPLETE);
  }
}
