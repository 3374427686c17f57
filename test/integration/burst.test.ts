import { runBurst } from '../../bench/burst';
import { type TestEngine, mailbox, stateDir, startTestEngine } from '../support/engine';

let engine: TestEngine;
beforeAll(async () => {
  // The hires' first day has begun: each run ends once its accounts and equipment are done.
  const today = new Date().toISOString().slice(0, 10);
  engine = await startTestEngine({ settings: { 'hire-to-onboard': { firstDayBegins: Date.now() - Date.parse(today) } } });
});
afterAll(() => engine.stop());

it('takes a small burst of deals and hires to their end with nothing doubled (npm run burst runs the large one)', async () => {
  const report = await runBurst(
    {
      client: engine.client,
      pool: engine.pool,
      intakeUrl: engine.intakeUrl,
      webhookSecret: engine.secret,
      mailboxUrl: mailbox(),
      stateDir: stateDir(),
    },
    { deals: 3, hires: 2, timeoutMs: 90_000 },
  );
  expect(report).toMatchObject({
    outcomes: { paid: 3, active: 2 },
    doubled: {
      salesOrders: 0,
      invoices: 0,
      legacyErpOrders: 0,
      itAccounts: 0,
      payrollEnrolments: 0,
      emails: 0,
      unbalancedLedgerEntries: 0,
    },
    activityTimeouts: 0,
    ok: true,
  });
}, 120_000);
