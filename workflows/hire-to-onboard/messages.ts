import { defineSignal } from '@temporalio/workflow';

/** The applicant-tracking system reports the offer withdrawn: everything done so far is undone. */
export const offerRescinded = defineSignal<[{ reason: string }]>('offerRescinded');

/** Logistics reports the new employee's equipment delivered. */
export const equipmentDelivered = defineSignal<[{ deliveryId: string }]>('equipmentDelivered');
