import type { OrderToCashInput, OrderToCashResult } from '../../contracts/order';
import { collectPayment } from './collection';
import { checkCustomerCredit } from './credit';
import { DealEnded, OrderUndone, followDeal } from './deal';
import { fulfil } from './fulfilment';
import { sendInvoice } from './invoicing';
import { placeOrder } from './order';
import { wonDeal } from './won-deal';
import { trackProgress } from '../progress';

export * from './messages';

/**
 * Order-to-cash: a deal closed in the CRM (sent whole, or fetched from the CRM by its id) becomes a checked, reserved,
 * shipped, invoiced and paid order, booked in the ledger, with the CRM told at every milestone. Cancelled before
 * shipment, it is undone newest step first; goods returned after invoicing are credited with a credit note.
 */
export async function orderToCash(input: OrderToCashInput): Promise<OrderToCashResult> {
  const progress = trackProgress('crm' in input ? 'fetching-deal' : 'credit-check');
  const order = await wonDeal(input, progress);
  const deal = followDeal(order, progress);
  try {
    const customerNumber = await checkCustomerCredit(deal);
    deal.checkpoint();
    const orderNumber = await placeOrder(deal, customerNumber);
    await fulfil(deal, orderNumber);
    const invoice = await sendInvoice(deal, orderNumber);
    if ((await collectPayment(deal, invoice)) === 'returned') {
      await deal.tellCrm('returned', `Invoice ${invoice.invoiceNumber} credited in full: the goods came back`);
      return await deal.finish('returned', { outcome: 'returned', orderNumber, invoiceNumber: invoice.invoiceNumber });
    }
    await deal.tellCrm('paid', `Invoice ${invoice.invoiceNumber} paid`);
    const { customer, salesRepEmail, dealId } = deal.order;
    await deal.email(
      'paid',
      salesRepEmail,
      `${customer.name} has paid invoice ${invoice.invoiceNumber}`,
      `Deal ${dealId} is paid in full.`,
    );
    return await deal.finish('paid', { outcome: 'paid', orderNumber, invoiceNumber: invoice.invoiceNumber });
  } catch (end) {
    if (end instanceof OrderUndone) return deal.cancel(end);
    if (end instanceof DealEnded) return deal.finish(end.result.outcome, end.result);
    throw end;
  }
}
