import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { type Money, formatMoney, moneyFrom } from '../../contracts/money';
import type { GoodsReturn } from '../../contracts/order';
import { printing, quickStep } from '../retry-profiles';
import type { Deal } from './deal';
import type { SentInvoice } from './invoicing';

const { issueCreditNote, noteOnDeal } = proxyActivities<Activities>(quickStep);
const { printCreditNote } = proxyActivities<Activities>(printing);

/** What a return changed: the amount it credited, and what the invoice still owes afterwards. */
export interface CreditedReturn {
  credited: Money;
  outstanding: Money;
}

/**
 * Goods came back: a credit note at the invoice's prices and VAT, e-mailed to the customer with its e-invoice, the
 * ledger reversed for that part and the goods back in stock. A return the invoice does not cover is refused: the
 * CRM and Operations hear why, and nothing is credited.
 */
export async function creditReturn(
  { order, runKey, email }: Deal,
  invoice: SentInvoice,
  goods: GoodsReturn,
): Promise<CreditedReturn | undefined> {
  const { customer, currency, settings } = order;
  let note;
  try {
    note = await issueCreditNote({ invoiceNumber: invoice.invoiceNumber, ...goods });
  } catch (error) {
    const refusal = error instanceof ActivityFailure && error.cause instanceof ApplicationFailure ? error.cause : undefined;
    if (refusal?.type !== 'ReturnRefused') throw error;
    const why = `Return ${goods.returnId} refused: ${refusal.message}`;
    await noteOnDeal({ dealId: order.dealId, text: why, noteKey: `${runKey}/return-refused/${goods.returnId}` });
    await email(`return-refused-${goods.returnId}`, settings.operationsEmail, `Return ${goods.returnId} refused`, why);
    return undefined;
  }
  const documents = await printCreditNote(note.creditNoteNumber);
  const credited = moneyFrom(note.grossTotal, currency);
  await email(
    `credit-note-${goods.returnId}`,
    customer.billingEmail,
    `Credit note ${note.creditNoteNumber} for invoice ${invoice.invoiceNumber}`,
    `Dear ${customer.name},\n\nfor the goods you returned (${goods.reason}) we credit ${formatMoney(credited)} ` +
      `against invoice ${invoice.invoiceNumber}; the credit note is attached.`,
    documents.attachmentKeys ?? [documents.documentKey],
  );
  return { credited, outstanding: moneyFrom(note.outstanding, currency) };
}
