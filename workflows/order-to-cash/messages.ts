import { defineSignal } from '@temporalio/workflow';
import type { GoodsReturn, Payment, Restock } from '../../contracts/order';

/** What the front and back office tell a running order-to-cash process. */
export const shipmentDelivered = defineSignal<[{ deliveredAt?: string }]>('shipmentDelivered');
export const paymentReceived = defineSignal<[Payment]>('paymentReceived');
export const stockRestocked = defineSignal<[Restock]>('stockRestocked');
export const dealCancelled = defineSignal<[{ reason: string }]>('dealCancelled');
export const goodsReturned = defineSignal<[GoodsReturn]>('goodsReturned');
