import { patched, proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { type Money, formatMoney, moneyFrom } from '../../contracts/money';
import { InvoiceNumber } from '../../contracts/search-attributes';
import { printing, quickStep } from '../retry-profiles';
import type { Deal } from './deal';

const { issueInvoice, offerCardPayment } = proxyActivities<Activities>(quickStep);
const { printInvoice } = proxyActivities<Activities>(printing);

export interface SentInvoice {
  invoiceNumber: string;
  gross: Money;
  dueOn: string;
}

/** 5. The invoice: issued and booked in the ledger at once, printed to PDF, e-mailed to the customer; the CRM hears of it. */
export async function sendInvoice({ order, enterStep, email, tellCrm }: Deal, orderNumber: string): Promise<SentInvoice> {
  enterStep('invoicing');
  const invoice = await issueInvoice(orderNumber);
  // Found by its invoice from here on (runs recorded before this did not say it).
  if (patched('invoice-number-searchable')) upsertSearchAttributes([{ key: InvoiceNumber, value: invoice.invoiceNumber }]);
  const pdf = await printInvoice(invoice.invoiceNumber);
  const gross = moneyFrom(invoice.grossTotal, order.currency);
  // A page to pay by card, where officeflow takes cards (runs recorded before this offered none).
  const card = patched('card-payment-offered')
    ? await offerCardPayment({
        invoiceNumber: invoice.invoiceNumber,
        dealId: order.dealId,
        amount: gross,
        customerEmail: order.customer.billingEmail,
      })
    : undefined;
  await email(
    'invoice',
    order.customer.billingEmail,
    `Invoice ${invoice.invoiceNumber}`,
    `Dear ${order.customer.name},\n\nplease find attached invoice ${invoice.invoiceNumber} over ${formatMoney(gross)}, due on ${invoice.dueOn}.` +
      (card ? `\n\nTo pay by card: ${card.url}` : ''),
    pdf.attachmentKeys ?? [pdf.documentKey],
  );
  await tellCrm('invoiced', `Invoice ${invoice.invoiceNumber}: ${formatMoney(gross)}`);
  return { invoiceNumber: invoice.invoiceNumber, gross, dueOn: invoice.dueOn };
}
