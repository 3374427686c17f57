import { XMLBuilder } from 'fast-xml-parser';
import { type LogRow, activityOf, attributesOf } from './event-log';

/**
 * The event log as XES (IEEE 1849-2016), the case-centric format: a trace per run (its workflow id and run, its
 * process), each event with its activity (`concept:name`), time and attributes, and the objects it touched.
 */
export function xesOf(rows: LogRow[]): string {
  const traces = new Map<string, LogRow[]>();
  for (const row of rows) traces.set(row.runId, [...(traces.get(row.runId) ?? []), row]);
  const text = (key: string, value: string) => ({ '@_key': key, '@_value': value });
  const event = (row: LogRow) => {
    const attributes = attributesOf(row);
    return {
      string: [
        text('concept:name', activityOf(row)),
        ...attributes.filter((a) => a.type === 'string').map((a) => text(a.name, a.value)),
        ...Object.entries(row.objects).map(([type, id]) => text(`object:${type}`, id)),
      ],
      date: [text('time:timestamp', row.at), ...attributes.filter((a) => a.type === 'time').map((a) => text(a.name, a.value))],
    };
  };
  const log = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    log: {
      '@_xes.version': '1849.2016',
      '@_xmlns': 'http://www.xes-standard.org/',
      extension: [
        { '@_name': 'Concept', '@_prefix': 'concept', '@_uri': 'http://www.xes-standard.org/concept.xesext' },
        { '@_name': 'Time', '@_prefix': 'time', '@_uri': 'http://www.xes-standard.org/time.xesext' },
      ],
      global: [
        { '@_scope': 'trace', string: text('concept:name', '__INVALID__') },
        { '@_scope': 'event', string: text('concept:name', '__INVALID__'), date: text('time:timestamp', '1970-01-01T00:00:00.000Z') },
      ],
      classifier: { '@_name': 'Activity', '@_keys': 'concept:name' },
      trace: [...traces.values()].map((events) => ({
        string: [text('concept:name', events[0].workflowId), text('runId', events[0].runId), text('process', events[0].process)],
        event: events.map(event),
      })),
    },
  };
  return new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: true }).build(log) as string;
}
