import type { DealRecord } from '../../activities/crm/stand-in';
import { type Money, money } from '../../contracts/money';
import { DealClosedWon, type OrderToCashResult, type OrderToCashSettings } from '../../contracts/order';
import { startOptions } from '../../definitions';
import { orderToCash } from '../../workflows/order-to-cash';
import { sendEvent } from '../../web/events/send';
import { type TestEngine, atStep as stepOf, eventFor, uniqueId } from './engine';

/** Order-to-cash's settings in tests: its people, and deadlines no test meets by accident (each shortens what it needs). */
export const orderToCashTestSettings = {
  creditApprover: 'credit@finance.test',
  financeManager: 'manager@finance.test',
  operationsEmail: 'ops@warehouse.test',
  collectionsEmail: 'collections@finance.test',
  defaultCreditLimit: money(10_000, 'EUR'),
  // Long enough that no approval races its escalation.
  creditApprovalDeadline: '1 hour',
  creditApprovalReminder: '30 minutes',
  restockDeadline: '30s',
  dunningOffsets: ['1 hour'],
};

/**
 * Order-to-cash as a test drives it from outside on `engine`: products, won deals, the events that follow them, and
 * what the CRM and the ledger hold afterwards.
 */
export function dealDesk(engine: TestEngine) {
  const send = (type: string, data: Record<string, unknown>) => sendEvent(engine.intakeUrl, engine.secret, eventFor(type, data));
  const handle = (workflowId: string) => engine.client.workflow.getHandle(workflowId);

  const atStep = (workflowId: string, step: string, waitingOn?: string, timeoutMs?: number) =>
    stepOf(engine, workflowId, step, waitingOn, timeoutMs);

  return {
    send,
    handle,
    atStep,

    /** A product of the test's own, with the given stock. */
    async product(onHand: number): Promise<string> {
      const sku = uniqueId('SKU').toUpperCase();
      await engine.pool.query('INSERT INTO products (sku, name, on_hand) VALUES ($1, $2, $3)', [sku, `Test item ${sku}`, onHand]);
      return sku;
    },

    /**
     * A won deal for a new customer (German unless `customer` says otherwise): one line of `quantity` × `unitPrice`; its
     * id the test's own unless it is one the CRM already holds.
     */
    deal(
      sku: string,
      { quantity = 1, unitPrice = 100, paymentTermsDays = 30, customer = {} as Record<string, unknown>, dealId = uniqueId('D') } = {},
    ) {
      const customerId = uniqueId('ACC');
      const billingEmail = `${customerId.toLowerCase()}@customer.test`;
      const salesRepEmail = `rep-${dealId.toLowerCase()}@sales.test`;
      const event = eventFor('crm.deal.closed_won', {
        dealId,
        customer: { id: customerId, name: `Customer ${customerId}`, billingEmail, country: 'DE', ...customer },
        lines: [{ sku, quantity, unitPrice }],
        paymentTermsDays,
        salesRepEmail,
      });
      return { dealId, billingEmail, salesRepEmail, event, workflowId: `order-to-cash-${dealId}` };
    },

    async crmDeal(dealId: string): Promise<DealRecord> {
      return (await fetch(`${engine.settings.CRM_URL}/deals/${dealId}`)).json() as Promise<DealRecord>;
    },

    /** The ledger of an invoice by account (`'1200 Receivables'`): its entry, its payments' and its credit notes'. */
    async ledgerFor(invoiceNumber: string) {
      const { rows } = await engine.pool.query(
        `SELECT a.code || ' ' || a.name AS account, sum(l.debit)::float AS debit, sum(l.credit)::float AS credit
           FROM journal_lines l JOIN ledger_accounts a ON a.code = l.account
          WHERE l.entry_key = 'invoice/' || $1
             OR l.entry_key IN (SELECT 'payment/' || payment_id FROM payments WHERE invoice_number = $1)
             OR l.entry_key IN (SELECT 'credit-note/' || credit_note_number FROM credit_notes WHERE invoice_number = $1)
          GROUP BY a.code, a.name ORDER BY a.code`,
        [invoiceNumber],
      );
      return rows;
    },

    /** Starts a deal's run as the intake would, with some of its settings changed: a run keeps the settings it started with. */
    async startWithSettings(d: { workflowId: string; event: { data?: unknown } }, changed: Partial<OrderToCashSettings>) {
      const definition = engine.registry.find((p) => p.name === 'order-to-cash')!;
      await engine.client.workflow.start(orderToCash, {
        ...startOptions(definition, DealClosedWon.parse(d.event.data)),
        workflowId: d.workflowId,
        args: [{ ...DealClosedWon.parse(d.event.data), settings: { ...(definition.settings as OrderToCashSettings), ...changed } }],
      });
    },

    /**
     * Delivers the deal's shipment once it is under way: after the order's entry in the legacy ERP, a browser robot
     * retried with backoff when the portal fails, behind other files' robots on 2 CPUs (20 s was not always enough).
     */
    async deliver(d: { dealId: string; workflowId: string }): Promise<void> {
      await atStep(d.workflowId, 'in-delivery', undefined, 60_000);
      if ((await send('logistics.shipment.delivered', { dealId: d.dealId })).status !== 202) throw new Error('delivery refused');
    },

    /**
     * A won deal taken to its invoice, its run waiting for payment: a price of its own (two decimals) unless given, so
     * no other test's invoice owes the same. Its invoice's number, RF reference and total, and the customer's name.
     */
    async invoiced(unitPrice = Number((100 + Math.random() * 900).toFixed(2))): Promise<InvoicedDeal> {
      const d = this.deal(await this.product(5), { unitPrice });
      if ((await send('crm.deal.closed_won', d.event.data as Record<string, unknown>)).status !== 202) throw new Error('deal refused');
      await this.deliver(d);
      return { ...d, ...(await this.invoiceOf(d)) };
    },

    /** The invoice of a deal whose run waits for payment: its number, RF reference and total, and the customer's name. */
    async invoiceOf(d: { dealId: string; workflowId: string }) {
      await atStep(d.workflowId, 'awaiting-payment');
      const { rows } = await engine.pool.query(
        `SELECT i.invoice_number, i.payment_reference, i.gross_total::text AS gross, c.company_name
           FROM invoices i JOIN sales_orders o USING (order_number) JOIN customers c ON c.customer_number = i.customer_number
          WHERE o.deal_id = $1`,
        [d.dealId],
      );
      const [invoice] = rows;
      return {
        invoiceNumber: invoice.invoice_number as string,
        reference: invoice.payment_reference as string,
        gross: money(invoice.gross, 'EUR'),
        customerName: invoice.company_name as string,
      };
    },

    /** Pays the invoice in these amounts, one payment each, and waits for the run's result. */
    async pay(d: { dealId: string; workflowId: string }, amounts: number[]): Promise<OrderToCashResult> {
      for (const amount of amounts) {
        const { status } = await send('payments.payment.received', {
          dealId: d.dealId,
          paymentId: uniqueId('PAY'),
          amount,
          currency: 'EUR',
        });
        if (status !== 202) throw new Error(`payment refused with ${status}`);
      }
      return (await handle(d.workflowId).result()) as OrderToCashResult;
    },
  };
}
export type DealDesk = ReturnType<typeof dealDesk>;

/** A deal whose run waits for the payment of its invoice. */
export interface InvoicedDeal {
  dealId: string;
  workflowId: string;
  billingEmail: string;
  invoiceNumber: string;
  /** The invoice's RF creditor reference. */
  reference: string;
  gross: Money;
  customerName: string;
}
