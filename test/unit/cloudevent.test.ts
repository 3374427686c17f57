import { readCloudEvent } from '../../web/events/cloudevent';
import { Refusal } from '../../web/errors';

const structured = { 'content-type': 'application/cloudevents+json; charset=utf-8' };
const event = { specversion: '1.0', id: 'e1', source: '/crm', type: 'crm.account.created', time: '2026-11-23T08:00:00Z', data: { a: 1 } };

function refusal(run: () => unknown): Refusal {
  try {
    run();
  } catch (error) {
    if (error instanceof Refusal) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('readCloudEvent', () => {
  it('reads structured mode', () => {
    expect(readCloudEvent(structured, JSON.stringify(event))).toEqual(event);
  });

  it('reads binary mode, percent-decoding header values', () => {
    const headers = {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': 'e1',
      'ce-source': '/crm',
      'ce-type': 'crm.account.created',
      'ce-subject': encodeURIComponent('Café "Zürich"'),
    };
    expect(readCloudEvent(headers, '{"a":1}')).toEqual({
      specversion: '1.0',
      id: 'e1',
      source: '/crm',
      type: 'crm.account.created',
      subject: 'Café "Zürich"',
      datacontenttype: 'application/json',
      data: { a: 1 },
    });
  });

  it('names each missing or wrong attribute', () => {
    const { id: _id, type: _type, ...partial } = event;
    const error = refusal(() => readCloudEvent(structured, JSON.stringify({ ...partial, time: 'yesterday' })));
    expect(error.status).toBe(400);
    expect(error.fields.map((f) => f.field).sort()).toEqual(['id', 'time', 'type']);
  });

  it('refuses non-JSON data declared in a structured event', () => {
    const error = refusal(() => readCloudEvent(structured, JSON.stringify({ ...event, datacontenttype: 'text/xml' })));
    expect(error.fields).toEqual([{ field: 'datacontenttype', message: 'only JSON data is accepted' }]);
  });

  it('names the body for malformed JSON', () => {
    expect(refusal(() => readCloudEvent(structured, '{')).fields).toEqual([{ field: 'body', message: 'not valid JSON' }]);
  });
});
