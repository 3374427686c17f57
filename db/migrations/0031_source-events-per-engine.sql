-- Up Migration

-- Vendors' events per engine, where engines share a database (TASK_QUEUE_SUFFIX), as system pauses are: an engine
-- dispatches only the events its own intakes kept. Shared, one engine's dispatcher took another's events and started
-- their runs on its own task queues, with its own connections.
ALTER TABLE source_events ADD COLUMN engine text NOT NULL DEFAULT '';
ALTER TABLE source_events DROP CONSTRAINT source_events_pkey, ADD PRIMARY KEY (engine, source, event_key);
DROP INDEX source_events_pending;
CREATE INDEX source_events_pending ON source_events (engine, next_attempt_at) WHERE outcome = 'pending';
DROP INDEX source_events_by_object;
CREATE INDEX source_events_by_object ON source_events (engine, source, object_id, occurred_at);

-- Down Migration
-- Back to one set of events for every engine: an event two engines both kept is kept once, the first engine's.
DELETE FROM source_events s USING source_events t
 WHERE s.source = t.source AND s.event_key = t.event_key AND s.engine > t.engine;
DROP INDEX source_events_by_object;
CREATE INDEX source_events_by_object ON source_events (source, object_id, occurred_at);
DROP INDEX source_events_pending;
CREATE INDEX source_events_pending ON source_events (next_attempt_at) WHERE outcome = 'pending';
ALTER TABLE source_events DROP CONSTRAINT source_events_pkey, ADD PRIMARY KEY (source, event_key);
ALTER TABLE source_events DROP COLUMN engine;
