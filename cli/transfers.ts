import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { camtStatement } from '../activities/bank/stand-in';
import { company } from '../config/company';
import { creditorReference } from '../contracts/billing';
import { money } from '../contracts/money';
import { InvoiceNumber } from '../contracts/search-attributes';

/**
 * A customer paying an order's invoice by bank transfer, as the demo plays it: the bank books the transfer, with the
 * invoice's RF reference the customer typed in, and drops its camt.053 into the engine's statement folder; the
 * engine imports it, and cash application applies the payment to the invoice. What it says happened.
 */
export async function payByTransfer(
  folder: string,
  order: WorkflowHandle,
  payment: { amount: number | string; currency: string },
  key: string,
): Promise<string> {
  const invoiceNumber = (await order.describe()).typedSearchAttributes.get(InvoiceNumber);
  if (!invoiceNumber) throw new Error(`${order.workflowId} has no invoice to pay yet`);
  const statementId = `DEMO-${key}`.slice(0, 35);
  const file = path.join(folder, `${statementId}.xml`);
  writeFileSync(
    file,
    camtStatement({
      account: company.iban.replace(/\s/g, ''),
      statementId,
      bookings: [
        {
          amount: money(payment.amount, payment.currency),
          credit: true,
          bookedOn: new Date().toISOString().slice(0, 10),
          bankReference: statementId,
          counterpartyName: 'Northwind Traders GmbH',
          reference: creditorReference(invoiceNumber),
          text: `Invoice ${invoiceNumber}`,
        },
      ],
    }),
  );
  return `the customer pays ${invoiceNumber} by transfer; the bank's statement arrives as ${file}`;
}
