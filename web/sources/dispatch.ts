import type { CloudEvent } from '../events/cloudevent';
import type { EventDispatcher } from '../events/dispatch';
import { type Sender, checkScope } from '../events/senders';
import type { Dispatched, PendingEvent } from './source-events';

/**
 * A vendor's source as a sender: it may send only the events it maps to, from its own source. Its name cannot be a
 * configured sender's (those are letters, digits and dashes), so its event ids are kept apart from theirs.
 */
export const sourceSender = (source: string, events: string[]): Sender => ({
  name: `source:${source}`,
  secrets: [],
  events,
  sources: [`/${source}`],
  binaryMode: false,
});

/**
 * Dispatches a kept vendor event as the intake does a CloudEvent: the same scope check, data check, deduplication and
 * start or signal. A refusal (data that does not fit, no running run to signal) is the event's outcome.
 */
export const dispatchThrough =
  (dispatcher: EventDispatcher, senders: Record<string, Sender>) =>
  async (event: PendingEvent): Promise<Dispatched> => {
    const cloudEvent: CloudEvent = {
      specversion: '1.0',
      id: event.eventKey,
      source: `/${event.source}`,
      type: event.type,
      time: new Date(event.occurredAt).toISOString(),
      data: event.data,
    };
    const sender = senders[event.source];
    checkScope(sender, cloudEvent, false);
    const accepted = await dispatcher.accept(dispatcher.check(cloudEvent), sender.name);
    return { outcome: accepted.duplicate ? 'duplicate' : accepted.signal ? 'signalled' : 'started', workflowId: accepted.workflowId };
  };
