import { formatMoney, toDecimal } from '../contracts/money';
import {
  DealCancelled,
  DealClosedWon,
  type FetchingCrm,
  GoodsReturned,
  OrderToCashInput,
  type OrderToCashSettings,
  PaymentReceived,
  ShipmentDelivered,
  StockRestocked,
  WonDealReference,
  orderTotal,
  orderToCashRunId,
} from '../contracts/order';
import { dealCancelled, goodsReturned, orderToCash, paymentReceived, shipmentDelivered, stockRestocked } from '../workflows/order-to-cash';
import { defineProcess, signalsOn, startsOn } from './define';
import { CustomerId, InvoiceNumber, OrderTotal } from '../contracts/search-attributes';

const settings: OrderToCashSettings = {
  creditApprover: 'credit.control@officeflow.example',
  financeManager: 'finance.manager@officeflow.example',
  operationsEmail: 'operations@officeflow.example',
  collectionsEmail: 'collections@officeflow.example',
  defaultCreditLimit: { amount: 5_000_000, currency: 'EUR' },
  creditApprovalDeadline: '2 days',
  creditApprovalReminder: '1 day',
  restockDeadline: '14 days',
  dunningOffsets: ['7 days', '14 days', '21 days'],
};

const workflowId = orderToCashRunId;

/** The example order with desks ten times the price, over the quick settings' credit limit of 10,000.00, and its payment. */
const OVER_THE_LIMIT = {
  'crm.deal.closed_won': {
    lines: [
      { sku: 'DESK-140', quantity: 2, unitPrice: 4990 },
      { sku: 'CHAIR-ERGO', quantity: 4, unitPrice: 289 },
    ],
  },
  'payments.payment.received': { amount: 13251.84 },
};

const CRM_NAMES: Record<FetchingCrm, string> = { hubspot: 'HubSpot', pipedrive: 'Pipedrive', salesforce: 'Salesforce' };

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
  businessObject: 'deal',
  expectations: {
    'credit-check': '15 minutes',
    'sales-order': '15 minutes',
    'legacy-erp-entry': '30 minutes',
    shipping: '1 hour',
    invoicing: '30 minutes',
  },
  settings,
  input: OrderToCashInput,
  describe: (input) =>
    'crm' in input
      ? {
          businessKey: input.dealId,
          summary: `Order ${input.dealId}, won in ${CRM_NAMES[input.crm]}`,
          details: '**Deal** fetched from the CRM',
        }
      : {
          businessKey: input.dealId,
          summary: `Order ${input.dealId} for ${input.customer.name}: ${formatMoney(orderTotal(input.lines, input.currency))}`,
          details: `**Customer** ${input.customer.id} · **Lines** ${input.lines.length} · **Payment terms** ${input.paymentTermsDays} days`,
        },
  searchAttributes: [CustomerId, OrderTotal, InvoiceNumber],
  savedQueries: {
    'credit-approval': {
      description: 'Orders waiting for Finance to approve credit',
      query: 'ProcessStep = "credit-approval" AND ExecutionStatus = "Running"',
    },
    'credit-approval-overdue': {
      description: 'Credit approvals past their deadline',
      query: 'ProcessStep = "credit-approval" AND WaitDeadline < "{now}" AND ExecutionStatus = "Running"',
    },
    'on-hold-for-stock': {
      description: 'Orders on hold until stock arrives',
      query: 'ProcessStep = "awaiting-stock" AND ExecutionStatus = "Running"',
    },
    'in-delivery': {
      description: 'Shipped orders not yet delivered',
      query: 'ProcessStep = "in-delivery" AND ExecutionStatus = "Running"',
    },
    'payment-overdue': {
      description: 'Invoices past due: in dunning or with Collections',
      query: 'ProcessStep IN ("dunning", "collections") AND ExecutionStatus = "Running"',
    },
    'deal-incomplete': {
      description:
        'Deals won in the CRM that make no order yet (no lines, a line without a SKU, no billing e-mail): Sales fixes them, then retry',
      query: 'ProcessStep = "deal-incomplete" AND ExecutionStatus = "Failed"',
    },
    'large-orders': { description: 'Orders of 10,000 or more in flight', query: 'OrderTotal >= 10000 AND ExecutionStatus = "Running"' },
  },
  demo: {
    events: ['crm.deal.closed_won', 'logistics.shipment.delivered', 'payments.payment.received'],
    paths: {
      approved: { description: 'an order over the credit limit, approved by Finance', data: OVER_THE_LIMIT },
      escalated: {
        description: 'an order over the credit limit, left by Finance past its deadline and approved by the Finance manager',
        data: OVER_THE_LIMIT,
        escalates: ['credit-approval'],
      },
      rejected: {
        description: 'an order over the credit limit, rejected by Finance',
        events: ['crm.deal.closed_won'],
        data: OVER_THE_LIMIT,
        verdicts: { 'credit-approval': 'reject' },
      },
      dunned: {
        description: 'an invoice due at once, paid only after its reminder, once Collections have it',
        data: { 'crm.deal.closed_won': { paymentTermsDays: 0 } },
        sendAt: { 'payments.payment.received': 'collections' },
      },
    },
    quickSettings: {
      defaultCreditLimit: { amount: 1_000_000, currency: 'EUR' },
      creditApprovalDeadline: '6s',
      creditApprovalReminder: '3s',
      dunningOffsets: ['2s'],
    },
  },
  // A deal fetched from the CRM sets them once it is fetched.
  initialSearchAttributes: (input) =>
    'crm' in input
      ? []
      : [
          { key: CustomerId, value: input.customer.id },
          // A Double, as operators filter it: `OrderTotal > 10000`.
          { key: OrderTotal, value: Number(toDecimal(orderTotal(input.lines, input.currency))) },
        ],
  triggers: [
    startsOn({
      type: 'crm.deal.closed_won',
      description: 'A deal was won in the CRM (unit prices as decimal amounts of its currency).',
      data: DealClosedWon,
      workflowId,
      example: {
        source: '/crm/deals',
        id: 'evt-deal-2001',
        data: {
          dealId: 'D-2001',
          customer: {
            id: 'ACC-1001',
            name: 'Northwind Traders GmbH',
            billingEmail: 'billing@northwind.example',
            country: 'DE',
            address: { street: 'Hafenstraße 12', postalCode: '20457', city: 'Hamburg' },
            vatId: 'DE298745638',
            eInvoiceFormat: 'factur-x',
          },
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
    startsOn({
      type: 'crm.deal.won',
      description:
        'A deal was won in a CRM that sends ids, not deals (HubSpot, Pipedrive, Salesforce): the run fetches the deal, its line items and its company from that CRM first.',
      data: WonDealReference,
      workflowId,
      example: { source: '/hubspot', id: 'evt-deal-won-2001', data: { dealId: '2001', crm: 'hubspot' } },
    }),
    signalsOn({
      type: 'logistics.shipment.delivered',
      description: 'The carrier delivered the shipment of an order.',
      data: ShipmentDelivered,
      workflowId,
      signal: shipmentDelivered,
      payload: ({ deliveredAt }) => ({ deliveredAt }),
      example: { source: '/logistics/carrier', id: 'evt-delivery-2001', data: { dealId: 'D-2001' } },
    }),
    signalsOn({
      type: 'payments.payment.received',
      description: 'The bank received a payment for an order (a decimal amount; possibly partial, possibly one of several).',
      data: PaymentReceived,
      workflowId,
      signal: paymentReceived,
      payload: ({ paymentId, amount }) => ({ paymentId, amount }),
      example: {
        source: '/bank/payments',
        id: 'evt-payment-2001',
        data: { dealId: 'D-2001', paymentId: 'D-2001-PAY-1', amount: 2563.26, currency: 'EUR' },
      },
    }),
    signalsOn({
      type: 'erp.inventory.restocked',
      description: 'Goods ordered for an order on hold arrived in the warehouse.',
      data: StockRestocked,
      workflowId,
      signal: stockRestocked,
      payload: ({ restockId, sku, quantity }) => ({ restockId, sku, quantity }),
      example: {
        source: '/erp/inventory',
        id: 'evt-restock-2001',
        data: { dealId: 'D-2001', restockId: 'D-2001-RS-1', sku: 'DESK-140', quantity: 10 },
      },
    }),
    signalsOn({
      type: 'logistics.return.received',
      description: 'Goods of an invoiced order came back: credited with a credit note, and back in stock.',
      data: GoodsReturned,
      workflowId,
      signal: goodsReturned,
      payload: ({ returnId, lines, reason }) => ({ returnId, lines, reason }),
      example: {
        source: '/logistics/returns',
        id: 'evt-return-2001',
        data: { dealId: 'D-2001', returnId: 'D-2001-RET-1', lines: [{ sku: 'CHAIR-ERGO', quantity: 1 }], reason: 'Damaged in transit' },
      },
    }),
    signalsOn({
      type: 'crm.deal.cancelled',
      description: 'The deal was cancelled in the CRM: undone before shipment, refused after.',
      data: DealCancelled,
      workflowId,
      signal: dealCancelled,
      payload: ({ reason }) => ({ reason }),
      example: { source: '/crm/deals', id: 'evt-cancel-2001', data: { dealId: 'D-2001', reason: 'Customer withdrew the order' } },
    }),
  ],
});
