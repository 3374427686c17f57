import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Progress } from '../../contracts/progress';
import { sendEvent } from '../../web/events/send';
import { type TestEngine, eventFor, eventually, stateDir, uniqueId } from '../support/engine';
import { startEngineProcess } from '../support/engine-process';
import { dealDesk } from '../support/deals';

// The engine as deployed, in a process of its own logging JSON at debug level, the most it ever says.
let engine: TestEngine;
const logFile = path.join(stateDir(), `${uniqueId('engine')}.log`);
beforeAll(async () => {
  engine = await startEngineProcess({ logLevel: 'debug', logFile });
}, 120_000);
afterAll(() => engine.stop());

it('logs every step with its run and business key, requests by route, and no personal data or secret', async () => {
  const send = (event: ReturnType<typeof eventFor>) => sendEvent(engine.intakeUrl, engine.secret, event);
  const personal = { legalName: 'Zelda Quixote-Marsh', personalEmail: 'zelda.qm@private.test', salary: 98765.43 };
  const hire = eventFor('hr.offer.accepted', { candidateId: uniqueId('CAND'), ...personal });
  const candidateId = (hire.data as { candidateId: string }).candidateId;
  expect((await send(hire)).status).toBe(202);
  const deals = dealDesk(engine);
  const deal = deals.deal(await deals.product(10), { customer: { billingEmail: 'jo.private@customer.test' } });
  expect((await send(deal.event)).status).toBe(202);
  await deals.atStep(deal.workflowId, 'in-delivery');
  // The hire's accounts typed in by the robots.
  await eventually(
    async () => {
      const { step } = await engine.client.workflow.getHandle(`hire-to-onboard-${candidateId}`).query<Progress>('progress');
      return ['employee-record', 'accounts'].includes(step) ? undefined : step;
    },
    'the hire past its accounts',
    60_000,
  );

  const text = readFileSync(logFile, 'utf8');
  const lines = text
    .split('\n')
    // JSON lines; the banner `officeflow up` prints is searched too, below.
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines).toContainEqual(
    expect.objectContaining({
      msg: 'activity done',
      activity: 'createItAccount',
      workflowId: `hire-to-onboard-${candidateId}`,
      businessKey: candidateId,
      runId: expect.any(String),
      attempt: 1,
    }),
  );
  expect(lines).toContainEqual(
    expect.objectContaining({ msg: 'activity done', activity: 'enterOrderInLegacyErp', businessKey: deal.dealId }),
  );
  expect(lines).toContainEqual(expect.objectContaining({ msg: 'request', method: 'POST', route: '/events', status: 202 }));
  expect(lines).toContainEqual(expect.objectContaining({ msg: 'event accepted', workflowId: deal.workflowId }));

  // What must never be written, in any form: the hire's personal data, the customer's contact, any secret.
  const settings = engine.settings;
  const never = [
    personal.legalName,
    personal.personalEmail,
    '98765',
    'jo.private@customer.test',
    engine.secret,
    engine.secret.replace(/^whsec_/, ''),
    settings.OFFICEFLOW_ENCRYPTION_KEY!,
    settings.LEGACY_ERP_PASSWORD ?? 'unset-password',
    settings.IT_PORTAL_PASSWORD ?? 'unset-password',
    settings.PAYROLL_PORTAL_PASSWORD ?? 'unset-password',
  ];
  expect(never.filter((secret) => text.includes(secret))).toEqual([]);
  expect(lines.length).toBeGreaterThan(20);
});
