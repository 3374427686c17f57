import { condition, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { quickStep } from '../retry-profiles';
import type { Deal } from './deal';

const { createShipment, recordDelivery } = proxyActivities<Activities>(quickStep);

/** 4. Fulfilment: the order ships and the run waits for the carrier's delivery. From here on cancellations are refused. */
export async function fulfil({ state, enterStep, tellCrm }: Deal, orderNumber: string): Promise<void> {
  enterStep('shipping');
  state.shipped = true;
  const { shipmentNumber } = await createShipment(orderNumber);
  await tellCrm('shipped', `Shipment ${shipmentNumber}`);
  enterStep('in-delivery', { on: 'Logistics' });
  await condition(() => state.delivered);
  await recordDelivery(orderNumber);
}
