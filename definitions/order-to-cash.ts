import type { Duration } from '@temporalio/common';
import { z } from 'zod';
import {
  type OrderToCashSettings,
  dealCancelled,
  orderToCash,
  orderTotal,
  paymentReceived,
  shipmentDelivered,
  stockRestocked,
} from '../workflows/order-to-cash';
import { defineProcess, signalsOn, startsOn } from './define';
import { businessKey, countryCode, currencyCode, duration, email } from './schemas';
import { CustomerId, OrderTotal } from './search-attributes';

const money = z.number().positive().max(1e10).multipleOf(0.01, 'must have at most two decimals');

const dealClosedWon = z.object({
  dealId: businessKey,
  customer: z.object({ id: businessKey, name: z.string().min(1).max(200), billingEmail: email, country: countryCode }),
  lines: z
    .array(z.object({ sku: businessKey, quantity: z.number().int().positive().max(1_000_000), unitPrice: money }))
    .min(1, 'an order needs at least one line'),
  currency: currencyCode,
  paymentTermsDays: z.number().int().min(0).max(365),
  salesRepEmail: email,
});

const settings: OrderToCashSettings = {
  creditApprover: 'credit.control@officeflow.example',
  financeManager: 'finance.manager@officeflow.example',
  operationsEmail: 'operations@officeflow.example',
  collectionsEmail: 'collections@officeflow.example',
  defaultCreditLimit: 50_000,
  creditApprovalDeadline: '2 days' as Duration,
  creditApprovalReminder: '1 day' as Duration,
  restockDeadline: '14 days' as Duration,
  dunningOffsets: ['7 days', '14 days', '21 days'] as Duration[],
};

const workflowId = (data: { dealId: string }) => `order-to-cash-${data.dealId}`;

/**
 * Order-to-cash. A deal closed in the CRM: credit check (Finance approves orders over the limit), sales order
 * and stock reservation (on hold until restocked), shipment, invoice by e-mail, payments and dunning, all booked
 * in the ledger; the CRM hears of every milestone. Cancellable until the goods ship.
 */
export default defineProcess({
  name: 'order-to-cash',
  description: 'A deal closed in the CRM becomes a shipped, invoiced and paid order, booked in the ledger.',
  workflow: orderToCash,
  taskQueue: 'order-to-cash',
  settings,
  input: dealClosedWon.extend({
    settings: z.object({
      creditApprover: email,
      financeManager: email,
      operationsEmail: email,
      collectionsEmail: email,
      defaultCreditLimit: z.number().nonnegative(),
      creditApprovalDeadline: duration,
      creditApprovalReminder: duration,
      restockDeadline: duration,
      dunningOffsets: z.array(duration),
    }),
  }),
  searchAttributes: [CustomerId, OrderTotal],
  initialSearchAttributes: (input) => [
    { key: CustomerId, value: input.customer.id },
    { key: OrderTotal, value: orderTotal(input.lines) },
  ],
  triggers: [
    startsOn({
      type: 'crm.deal.closed_won',
      description: 'A deal was won in the CRM.',
      data: dealClosedWon,
      workflowId,
      input: (deal, _event, processSettings: OrderToCashSettings) => ({ ...deal, settings: processSettings }),
      example: {
        source: '/crm/deals',
        id: 'evt-deal-2001',
        data: {
          dealId: 'D-2001',
          customer: { id: 'ACC-1001', name: 'Northwind Traders GmbH', billingEmail: 'billing@northwind.example', country: 'DE' },
          lines: [
            { sku: 'DESK-140', quantity: 2, unitPrice: 499 },
            { sku: 'CHAIR-ERGO', quantity: 4, unitPrice: 289 },
          ],
          currency: 'EUR',
          paymentTermsDays: 30,
          salesRepEmail: 'sam.sales@officeflow.example',
        },
      },
    }),
    signalsOn({
      type: 'logistics.shipment.delivered',
      description: 'The carrier delivered the shipment of an order.',
      data: z.object({ dealId: businessKey, deliveredAt: z.iso.datetime({ offset: true }).optional() }),
      workflowId,
      signal: shipmentDelivered,
      payload: ({ deliveredAt }) => ({ deliveredAt }),
      example: { source: '/logistics/carrier', id: 'evt-delivery-2001', data: { dealId: 'D-2001' } },
    }),
    signalsOn({
      type: 'payments.payment.received',
      description: 'The bank received a payment for an order (possibly partial; possibly one of several).',
      data: z.object({ dealId: businessKey, paymentId: businessKey, amount: money, currency: currencyCode }),
      workflowId,
      signal: paymentReceived,
      payload: ({ paymentId, amount, currency }) => ({ paymentId, amount, currency }),
      example: {
        source: '/bank/payments',
        id: 'evt-payment-2001',
        data: { dealId: 'D-2001', paymentId: 'PAY-2001', amount: 2563.26, currency: 'EUR' },
      },
    }),
    signalsOn({
      type: 'erp.inventory.restocked',
      description: 'Goods ordered for an order on hold arrived in the warehouse.',
      data: z.object({ dealId: businessKey, restockId: businessKey, sku: businessKey, quantity: z.number().int().positive() }),
      workflowId,
      signal: stockRestocked,
      payload: ({ restockId, sku, quantity }) => ({ restockId, sku, quantity }),
      demo: false,
      example: { source: '/erp/inventory', id: 'evt-restock-2001', data: { dealId: 'D-2001', restockId: 'RS-2001', sku: 'DESK-140', quantity: 10 } },
    }),
    signalsOn({
      type: 'crm.deal.cancelled',
      description: 'The deal was cancelled in the CRM: undone before shipment, refused after.',
      data: z.object({ dealId: businessKey, reason: z.string().min(1).max(500) }),
      workflowId,
      signal: dealCancelled,
      payload: ({ reason }) => ({ reason }),
      demo: false,
      example: { source: '/crm/deals', id: 'evt-cancel-2001', data: { dealId: 'D-2001', reason: 'Customer withdrew the order' } },
    }),
  ],
});
