import type { temporal } from '@temporalio/proto';

type Event = temporal.api.history.v1.IHistoryEvent;
type Timestamp = { seconds: number; nanos: number };

/** The marker the SDK's core records for a local activity: its history has no activity events of its own. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/** What that marker says of one local activity: its name, the attempt that ended it, when it was scheduled and ended. */
export interface LocalActivity {
  activityType: string;
  attempt: number;
  scheduledMs?: number;
  completedMs?: number;
}

const msOf = (time?: Timestamp | null) => (time ? time.seconds * 1000 + Math.round(time.nanos / 1e6) : undefined);

/** The local activity an event records, if it is such a marker (its `data` detail, JSON written by the SDK's core). */
export function localActivityOf(event: Event): LocalActivity | undefined {
  const marker = event.markerRecordedEventAttributes;
  const data = marker?.markerName === LOCAL_ACTIVITY_MARKER ? marker.details?.data?.payloads?.[0]?.data : undefined;
  if (!data) return undefined;
  const recorded = JSON.parse(Buffer.from(data).toString('utf8')) as {
    activity_type: string;
    attempt: number;
    original_schedule_time?: Timestamp | null;
    complete_time?: Timestamp | null;
  };
  return {
    activityType: recorded.activity_type,
    attempt: recorded.attempt,
    scheduledMs: msOf(recorded.original_schedule_time),
    completedMs: msOf(recorded.complete_time),
  };
}

/** The activity an event schedules, or records as having run locally: its name. */
export const activityNamed = (event: Event): string | undefined =>
  event.activityTaskScheduledEventAttributes?.activityType?.name ?? localActivityOf(event)?.activityType;
