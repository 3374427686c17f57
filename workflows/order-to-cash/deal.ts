import { allHandlersFinished, condition, proxyActivities, setHandler, upsertMemo, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { DealStage, GoodsReturn, OrderInput, OrderOutcome, OrderToCashResult, Payment, Restock } from '../../contracts/order';
import { moneyFrom } from '../../contracts/money';
import { compensations } from '../compensation';
import { humanTasks } from '../human-tasks';
import type { RunProgress } from '../progress';
import { moveDeal } from '../crm';
import { emailOnce } from '../email';
import { quickStep } from '../retry-profiles';
import { dealCancelled, goodsReturned, paymentReceived, shipmentDelivered, stockRestocked } from './messages';

const { noteOnDeal } = proxyActivities<Activities>(quickStep);

/** Ends the run early with its result, with nothing to undo (a rejected credit). */
export class DealEnded extends Error {
  constructor(readonly result: OrderToCashResult) {
    super(result.reason ?? result.outcome);
  }
}

/** Ends the run early by undoing what was done: a cancelled deal, or an order no stock came for. */
export class OrderUndone extends Error {
  constructor(
    readonly outcome: OrderOutcome,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * One deal's run: what the signals have told it so far, and the means every phase shares (progress, people's
 * tasks, undo steps, the CRM and e-mail).
 */
export function followDeal(input: OrderInput, progress: RunProgress) {
  const order = withMoneyInMinorUnits(input);
  const runKey = workflowInfo().workflowId;
  const { enterStep } = progress;
  // The sales rep who closed the deal does not approve its credit.
  const ask = humanTasks(progress, { about: [order.salesRepEmail] });
  const undo = compensations(ask, { assignee: order.settings.operationsEmail, waitingOn: 'Operations' });
  // What the run knows: filled by the signal handlers, and `shipped` by fulfilment.
  const state = {
    cancellation: undefined as { reason: string } | undefined,
    shipped: false,
    delivered: false,
    restocks: [] as Restock[],
    payments: [] as Payment[],
    returns: [] as GoodsReturn[],
  };
  const seenPayments = new Set<string>();
  const seenReturns = new Set<string>();
  /** Set once the sales order exists. */
  const placed: { orderNumber?: string } = {};

  /** Ends the run as it stands, once every signal handler has finished. */
  const finish = async (step: string, result: OrderToCashResult): Promise<OrderToCashResult> => {
    await condition(allHandlersFinished);
    enterStep(step);
    return result;
  };
  const tellCrm = (stage: DealStage, note?: string) => moveDeal(order.dealId, stage, note);

  setHandler(shipmentDelivered, () => void (state.delivered = true));
  setHandler(stockRestocked, (restock) => void state.restocks.push(restock));
  setHandler(paymentReceived, (payment) => {
    if (!seenPayments.has(payment.paymentId)) state.payments.push(payment);
    seenPayments.add(payment.paymentId);
  });
  setHandler(goodsReturned, (goods) => {
    if (!seenReturns.has(goods.returnId)) state.returns.push(goods);
    seenReturns.add(goods.returnId);
  });
  setHandler(dealCancelled, async ({ reason }) => {
    if (!state.shipped) {
      state.cancellation ??= { reason };
      return;
    }
    // Goods have left: the order stands. The run's memo and the CRM say why.
    upsertMemo({ cancellationRefused: `Requested after shipment: ${reason}` });
    await noteOnDeal({
      dealId: order.dealId,
      text: `Cancellation refused: the order has already shipped. (Requested: ${reason})`,
      noteKey: `${runKey}/cancellation-refused`,
    });
  });

  return {
    order,
    runKey,
    state,
    enterStep,
    ask,
    undo,
    tellCrm,
    placed,

    /** Sends an e-mail once per run and `kind`. */
    email: emailOnce,

    /** Between the steps before shipment: a cancellation the CRM asked for ends the run here. */
    checkpoint(): void {
      if (state.cancellation) throw new OrderUndone('cancelled', state.cancellation.reason);
    },

    finish,

    /** Undoes the order, newest step first, and tells the CRM. */
    async cancel({ outcome, reason }: OrderUndone): Promise<OrderToCashResult> {
      enterStep('cancelling');
      await undo.undoAll(`deal ${order.dealId}`);
      await tellCrm('cancelled', reason);
      return finish('cancelled', { outcome, orderNumber: placed.orderNumber, reason });
    },
  };
}

export type Deal = ReturnType<typeof followDeal>;

/** The input with every amount as Money, also for runs that started while amounts were decimal numbers. */
function withMoneyInMinorUnits(input: OrderInput): OrderInput {
  const { currency, lines, settings } = input;
  return {
    ...input,
    lines: lines.map((line) => ({ ...line, unitPrice: moneyFrom(line.unitPrice, currency) })),
    settings: { ...settings, defaultCreditLimit: moneyFrom(settings.defaultCreditLimit, currency) },
  };
}
