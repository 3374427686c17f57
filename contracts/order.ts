import { z } from 'zod';
import { BillingDetails, vatIdOfCountry } from './billing';
import { businessKey, countryCode, currencyCode, duration, email, label, plainText } from './fields';
import { Money, decimalAmount, inMinorUnits, sum, times } from './money';

export const DealCustomer = z
  .object({ id: businessKey, name: label, billingEmail: email, country: countryCode, ...BillingDetails.shape })
  .superRefine((customer, ctx) => vatIdOfCountry(customer, ctx));
export type DealCustomer = z.infer<typeof DealCustomer>;

export const OrderLine = z.object({ sku: businessKey, quantity: z.number().int().positive().max(1_000_000), unitPrice: Money });
export type OrderLine = z.infer<typeof OrderLine>;

const deal = {
  dealId: businessKey,
  customer: DealCustomer,
  currency: currencyCode,
  paymentTermsDays: z.number().int().min(0).max(365),
  salesRepEmail: email,
};

/** `crm.deal.closed_won`, as the CRM sends it: unit prices as decimals of the deal's currency. */
export const DealClosedWon = z
  .object({
    ...deal,
    lines: z
      .array(OrderLine.extend({ unitPrice: decimalAmount }))
      .min(1, 'an order needs at least one line')
      .max(100),
  })
  .transform(({ lines, ...won }, ctx) => ({
    ...won,
    lines: lines.map((line, index) => ({
      ...line,
      unitPrice: inMinorUnits(line.unitPrice, won.currency, ctx, ['lines', index, 'unitPrice']),
    })),
  }));
export type DealClosedWon = z.output<typeof DealClosedWon>;

/** The order-to-cash run of a deal: one per deal, ever. */
export const orderToCashRunId = (data: { dealId: string }) => `order-to-cash-${data.dealId}`;

/** The CRMs whose deals officeflow fetches by id. */
export const FetchingCrm = z.enum(['hubspot', 'pipedrive', 'salesforce']);
export type FetchingCrm = z.infer<typeof FetchingCrm>;

/**
 * `crm.deal.won`: a won deal the CRM names by its id only, as vendors' webhooks do: the run fetches the deal from that
 * CRM as its first step.
 */
export const WonDealReference = z.object({ dealId: businessKey, crm: FetchingCrm });
export type WonDealReference = z.infer<typeof WonDealReference>;

/** The failure type of a CRM's deal that does not make an order (no lines, a line without a SKU, no billing e-mail). */
export const DEAL_INCOMPLETE = 'DealIncomplete';

/** Who decides and how long they have: the process's settings, kept in each run's input. */
export const OrderToCashSettings = z.object({
  creditApprover: email,
  financeManager: email,
  operationsEmail: email,
  collectionsEmail: email,
  /** Credit for customers without a limit of their own. */
  defaultCreditLimit: Money,
  creditApprovalDeadline: duration,
  creditApprovalReminder: duration,
  /** How long an order waits on hold for stock before it is cancelled. */
  restockDeadline: duration,
  /** Payment reminders, counted from the due date; after the last one collections take over. */
  dunningOffsets: z.array(duration),
  /** How long after the invoice is settled returned goods are still credited; unset, the run ends once it is paid. */
  returnWindow: duration.optional(),
});
export type OrderToCashSettings = z.infer<typeof OrderToCashSettings>;

/** A won deal as a run takes it: amounts in minor units. */
export const WonDeal = z.object({ ...deal, lines: z.array(OrderLine).min(1) });
export type WonDeal = z.infer<typeof WonDeal>;

/** An order as the run works on it: the deal and the process's settings. */
export const OrderInput = WonDeal.extend({ settings: OrderToCashSettings });
export type OrderInput = z.infer<typeof OrderInput>;

/** What a run starts with: the whole deal, or where the CRM named it by id, the id to fetch it by. */
export const OrderToCashInput = z.union([OrderInput, WonDealReference.extend({ settings: OrderToCashSettings })]);
export type OrderToCashInput = z.infer<typeof OrderToCashInput>;

export const OrderOutcome = z.enum(['paid', 'returned', 'credit-rejected', 'cancelled', 'out-of-stock']);
export type OrderOutcome = z.infer<typeof OrderOutcome>;

export const OrderToCashResult = z.object({
  outcome: OrderOutcome,
  orderNumber: z.string().optional(),
  invoiceNumber: z.string().optional(),
  reason: z.string().optional(),
});
export type OrderToCashResult = z.infer<typeof OrderToCashResult>;

/** An order's net total: what the credit check weighs and operators search by. */
export const orderTotal = (lines: OrderLine[], currency: string): Money =>
  sum(
    lines.map((line) => times(line.unitPrice, line.quantity)),
    currency,
  );

/** The stages of a deal (an opportunity) the CRM hears about. */
export const DealStage = z.enum([
  'ordered',
  'shipped',
  'returned',
  'invoiced',
  'paid',
  'blocked',
  'cancelled',
  'contract-approved',
  'contract-rejected',
  'contracted',
  'signature-declined',
]);
export type DealStage = z.infer<typeof DealStage>;

export const ShipmentDelivered = z.object({ dealId: businessKey, deliveredAt: z.iso.datetime({ offset: true }).optional() });

/** A payment for an order, possibly partial, possibly one of several. */
export const Payment = z.object({ paymentId: businessKey, amount: Money });
export type Payment = z.infer<typeof Payment>;

/** `payments.payment.received`, as the bank sends it: the amount as a decimal of its currency. */
export const PaymentReceived = z
  .object({ dealId: businessKey, paymentId: businessKey, amount: decimalAmount, currency: currencyCode })
  .transform(({ amount, currency, ...payment }, ctx) => ({ ...payment, amount: inMinorUnits(amount, currency, ctx, ['amount']) }));

export const Restock = z.object({ restockId: businessKey, sku: businessKey, quantity: z.number().int().positive().max(1_000_000) });
export type Restock = z.infer<typeof Restock>;
export const StockRestocked = Restock.extend({ dealId: businessKey });

/** Goods the customer sent back after they were invoiced: credited, and back in stock. */
export const GoodsReturn = z.object({
  returnId: businessKey,
  lines: z
    .array(z.object({ sku: businessKey, quantity: z.number().int().positive().max(1_000_000) }))
    .min(1, 'a return needs at least one line')
    .max(100),
  reason: plainText(500).min(1),
});
export type GoodsReturn = z.infer<typeof GoodsReturn>;
export const GoodsReturned = GoodsReturn.extend({ dealId: businessKey });

/** A credit note as issued, and what is still owed on its invoice afterwards. */
export const IssuedCreditNote = z.object({ creditNoteNumber: z.string(), grossTotal: Money, outstanding: Money });
export type IssuedCreditNote = z.infer<typeof IssuedCreditNote>;

export const DealCancelled = z.object({ dealId: businessKey, reason: plainText(500).min(1) });

export const StockShortage = z.object({ sku: z.string(), requested: z.number().int(), available: z.number().int() });
export type StockShortage = z.infer<typeof StockShortage>;

/** An invoice as issued: gap-free number, amounts in minor units, due date from the payment terms. */
export const IssuedInvoice = z.object({
  invoiceNumber: z.string(),
  netTotal: Money,
  taxTotal: Money,
  grossTotal: Money,
  dueOn: z.iso.date(),
});
export type IssuedInvoice = z.infer<typeof IssuedInvoice>;

/** Where an invoice stands after a payment is booked. */
export const PaymentBooking = z.object({ paid: Money, outstanding: Money, credited: Money });
export type PaymentBooking = z.infer<typeof PaymentBooking>;
