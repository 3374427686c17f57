import { defaultPayloadConverter } from '@temporalio/common';
import pino from 'pino';
import { encryptionCodec } from '../../codec/data-converter';
import { buildIntake } from '../../intake/server';
import { type TestEngine, startTestEngine } from '../support/engine';

let engine: TestEngine;
let intakeUrl: string;
let close: () => Promise<void>;
const uiUrl = 'http://127.0.0.1:8233';

beforeAll(async () => {
  engine = await startTestEngine();
  const codec = encryptionCodec(engine.settings.OFFICEFLOW_ENCRYPTION_KEY!);
  const intake = buildIntake({ ...engine, webhookSecrets: [engine.secret], log: pino({ level: 'silent' }), codecForUi: { codec, uiUrl } });
  intakeUrl = await intake.listen({ host: '127.0.0.1', port: 0 });
  close = () => intake.close();
});
afterAll(async () => {
  await close();
  await engine.stop();
});

it('lets the local Temporal UI decrypt payloads in the operator browser, and no other origin', async () => {
  const codec = encryptionCodec(engine.settings.OFFICEFLOW_ENCRYPTION_KEY!);
  const [sealed] = await codec.encode([defaultPayloadConverter.toPayload({ contactName: 'Maria Anders' })!]);
  const asJson = {
    metadata: Object.fromEntries(Object.entries(sealed.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(sealed.data!).toString('base64'),
  };
  const decode = (origin: string) =>
    fetch(`${intakeUrl}/codec/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin, 'x-namespace': 'default' },
      body: JSON.stringify({ payloads: [asJson] }),
    });

  const response = await decode('http://localhost:8233');
  expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
  const { payloads } = (await response.json()) as { payloads: Array<{ data: string }> };
  expect(JSON.parse(Buffer.from(payloads[0].data, 'base64').toString())).toEqual({ contactName: 'Maria Anders' });

  expect((await decode('http://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
});
