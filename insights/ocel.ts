import initSqlJs from 'sql.js';
import { type LogRow, activityOf, attributesOf, objectId } from './event-log';

/**
 * The event log as an OCEL 2.0 object-centric event log (https://www.ocel-standard.org/, the JSON and SQLite formats):
 * each event with the objects it touches (the run's business object, its customer, invoice, candidate — qualified by
 * their type), each object once, and how objects relate (a deal's customer, its invoice), as their runs said.
 */
export interface Ocel {
  eventTypes: Array<{ name: string; attributes: Array<{ name: string; type: string }> }>;
  objectTypes: Array<{ name: string; attributes: Array<{ name: string; type: string }> }>;
  events: Array<{
    id: string;
    type: string;
    time: string;
    attributes: Array<{ name: string; value: string }>;
    relationships: Array<{ objectId: string; qualifier: string }>;
  }>;
  objects: Array<{
    id: string;
    type: string;
    attributes: Array<{ name: string; value: string; time: string }>;
    relationships: Array<{ objectId: string; qualifier: string }>;
  }>;
}

export function ocelOf(rows: LogRow[]): Ocel {
  const eventTypes = new Map<string, Map<string, string>>();
  const objects = new Map<string, { id: string; type: string; related: Map<string, string> }>();
  const events: Ocel['events'] = [];
  for (const row of rows) {
    const type = activityOf(row);
    const attributes = attributesOf(row);
    const declared = eventTypes.get(type) ?? new Map<string, string>();
    for (const attribute of attributes) declared.set(attribute.name, attribute.type);
    eventTypes.set(type, declared);
    const touched = Object.entries(row.objects).map(([objectType, id]) => ({ id: objectId(objectType, id), type: objectType }));
    for (const object of touched) {
      const known = objects.get(object.id) ?? { ...object, related: new Map<string, string>() };
      // The run's objects relate to one another: the first of them (its business object) to the rest.
      if (object === touched[0]) for (const other of touched.slice(1)) known.related.set(other.id, other.type);
      objects.set(object.id, known);
    }
    events.push({
      id: `${row.runId}:${row.seq}`,
      type,
      time: row.at,
      attributes: attributes.map(({ name, value }) => ({ name, value })),
      relationships: touched.map((object) => ({ objectId: object.id, qualifier: object.type })),
    });
  }
  const objectTypes = [...new Set([...objects.values()].map((object) => object.type))];
  return {
    eventTypes: [...eventTypes].map(([name, attributes]) => ({
      name,
      attributes: [...attributes].map(([n, type]) => ({ name: n, type })),
    })),
    objectTypes: objectTypes.map((name) => ({ name, attributes: [] })),
    events,
    objects: [...objects.values()].map(({ id, type, related }) => ({
      id,
      type,
      attributes: [],
      relationships: [...related].map(([other, qualifier]) => ({ objectId: other, qualifier })),
    })),
  };
}

/** A type's name as an SQLite table's suffix, as the standard's relational format maps it (`event_map_type`). */
const tableSuffix = (name: string) => name.replace(/[^A-Za-z0-9]/g, '');

/** The OCEL 2.0 SQLite format: `event`, `object`, their relations, and a table of each type with its attributes. */
export async function ocelSqlite(log: Ocel): Promise<Uint8Array> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  try {
    db.run(`CREATE TABLE event (ocel_id TEXT PRIMARY KEY, ocel_type TEXT);
            CREATE TABLE object (ocel_id TEXT PRIMARY KEY, ocel_type TEXT);
            CREATE TABLE event_object (ocel_event_id TEXT, ocel_object_id TEXT, ocel_qualifier TEXT,
              PRIMARY KEY (ocel_event_id, ocel_object_id, ocel_qualifier));
            CREATE TABLE object_object (ocel_source_id TEXT, ocel_target_id TEXT, ocel_qualifier TEXT,
              PRIMARY KEY (ocel_source_id, ocel_target_id, ocel_qualifier));
            CREATE TABLE event_map_type (ocel_type TEXT PRIMARY KEY, ocel_type_map TEXT);
            CREATE TABLE object_map_type (ocel_type TEXT PRIMARY KEY, ocel_type_map TEXT);`);
    // Two types whose names differ only in punctuation get a number: every type has a table of its own.
    const maps = new Map<string, string>();
    const mapOf = (name: string) => {
      let map = tableSuffix(name) || 'type';
      while ([...maps.values()].includes(map)) map = `${map}_${maps.size}`;
      maps.set(name, map);
      return map;
    };
    db.run('BEGIN');
    for (const type of log.eventTypes) {
      const map = mapOf(`event ${type.name}`);
      db.run('INSERT INTO event_map_type VALUES (?, ?)', [type.name, map]);
      const columns = type.attributes.map((attribute) => `, "${attribute.name}" TEXT`).join('');
      db.run(`CREATE TABLE "event_${map}" (ocel_id TEXT PRIMARY KEY, ocel_time TEXT${columns})`);
    }
    for (const type of log.objectTypes) {
      const map = mapOf(`object ${type.name}`);
      db.run('INSERT INTO object_map_type VALUES (?, ?)', [type.name, map]);
      db.run(`CREATE TABLE "object_${map}" (ocel_id TEXT, ocel_time TEXT, ocel_changed_field TEXT)`);
    }
    for (const event of log.events) {
      db.run('INSERT INTO event VALUES (?, ?)', [event.id, event.type]);
      const names = event.attributes.map((attribute) => `, "${attribute.name}"`).join('');
      const marks = event.attributes.map(() => ', ?').join('');
      db.run(`INSERT INTO "event_${maps.get(`event ${event.type}`)}" (ocel_id, ocel_time${names}) VALUES (?, ?${marks})`, [
        event.id,
        event.time,
        ...event.attributes.map((attribute) => attribute.value),
      ]);
      for (const relation of event.relationships)
        db.run('INSERT INTO event_object VALUES (?, ?, ?)', [event.id, relation.objectId, relation.qualifier]);
    }
    for (const object of log.objects) {
      db.run('INSERT INTO object VALUES (?, ?)', [object.id, object.type]);
      db.run(`INSERT INTO "object_${maps.get(`object ${object.type}`)}" (ocel_id, ocel_time) VALUES (?, ?)`, [
        object.id,
        '1970-01-01T00:00:00Z',
      ]);
      for (const relation of object.relationships)
        db.run('INSERT INTO object_object VALUES (?, ?, ?)', [object.id, relation.objectId, relation.qualifier]);
    }
    db.run('COMMIT');
    return db.export();
  } finally {
    db.close();
  }
}
