import type { FastifyBaseLogger } from 'fastify';
import type { IntakeMetrics } from '../metrics';
import type { SourceEvent, SourceEvents } from './source-events';

/** What every vendor's route shares: where it keeps what arrived, the dispatcher it wakes, the metrics it counts in. */
export interface SourceIntake {
  events: SourceEvents;
  /** Wakes the background dispatcher: something new was kept. */
  kept(): void;
  metrics: IntakeMetrics;
}

/** Keeps a delivery's events, counts and logs each (a refused one with why), and wakes the dispatcher: how many were new. */
export async function take(
  source: string,
  received: SourceEvent[],
  { events, kept, metrics }: SourceIntake,
  log: FastifyBaseLogger,
): Promise<number> {
  const fresh = await events.keep(source, received);
  for (const event of received) {
    metrics.sourceEvent(source, event.refused ? 'refused' : event.type ? 'mapped' : 'ignored');
    const about = { source, eventKey: event.eventKey, objectId: event.objectId };
    if (event.refused) log.info({ ...about, reason: event.refused }, 'a source event was refused');
    else if (!event.type) log.debug(about, 'a change no process takes');
  }
  if (fresh > 0) kept();
  return fresh;
}
