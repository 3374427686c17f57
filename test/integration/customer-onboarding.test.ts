import { temporal } from '@temporalio/proto';
import nodemailer, { type Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { Pool } from 'pg';
import { MockActivityEnvironment } from '@temporalio/testing';
import { mailActivities } from '../../activities/mail/outbox';
import type { CustomerOnboardingInput } from '../../contracts/customer';
import { sendEvent } from '../../web/events/send';
import type { Progress } from '../../contracts/progress';
import { customerOnboarding } from '../../workflows/customer-onboarding';
import { type TestEngine, attachmentsOf, eventFor, eventually, mailTo, startTestEngine, uniqueId } from '../support/engine';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(() => engine.stop());

const newAccount = () => {
  const accountId = uniqueId('ACC');
  return {
    accountId,
    billingEmail: `${accountId.toLowerCase()}@customer.example`,
    salesRepEmail: `rep-${accountId.toLowerCase()}@sales.example`,
  };
};

async function customerRow(accountId: string) {
  const { rows } = await engine.pool.query(
    'SELECT customer_number, credit_limit, credit_currency, onboarded_at FROM customers WHERE crm_account_id = $1',
    [accountId],
  );
  return rows;
}

it('onboards a customer end to end: back-office record, credit limit, welcome letter PDF by e-mail, sales rep notice', async () => {
  const account = newAccount();
  const started = await sendEvent(engine.intakeUrl, engine.secret, eventFor('crm.account.created', account));
  expect(started.status).toBe(202);
  const approval = eventFor('finance.credit_limit.approved', { accountId: account.accountId, creditLimit: 50000, currency: 'EUR' });
  expect((await sendEvent(engine.intakeUrl, engine.secret, approval)).status).toBe(202);

  const result = await engine.client.workflow.getHandle(`customer-onboarding-${account.accountId}`).result();
  expect(result).toMatchObject({ reviewedByFinance: true, credit: { creditLimit: { amount: 5_000_000, currency: 'EUR' } } });

  const [customer] = await customerRow(account.accountId);
  expect(customer).toMatchObject({ customer_number: result.customerNumber, credit_limit: '50000.00', credit_currency: 'EUR' });
  expect(customer.onboarded_at).toBeInstanceOf(Date);

  const [welcome] = await mailTo(account.billingEmail);
  expect(welcome.subject).toBe('Welcome to our company, Northwind Traders GmbH');
  expect(welcome.text).toContain(result.customerNumber);
  const [pdf] = await attachmentsOf(welcome);
  expect(pdf).toMatchObject({ filename: `welcome-${result.customerNumber}.pdf`, contentType: 'application/pdf' });
  expect(pdf.content.subarray(0, 5).toString()).toBe('%PDF-');

  const [notice] = await mailTo(account.salesRepEmail);
  expect(notice.subject).toBe(`Northwind Traders GmbH is onboarded as ${result.customerNumber}`);
  await engine.keepHistory(`customer-onboarding-${account.accountId}`, 'credit-limit-approved');
});

it('waits on Finance visibly, then puts the customer on prepayment when no credit limit comes in time', async () => {
  const account = newAccount();
  const workflowId = `customer-onboarding-${account.accountId}`;
  const input: CustomerOnboardingInput = {
    account: {
      accountId: account.accountId,
      companyName: 'Slow Finance AG',
      country: 'CH',
      currency: 'CHF',
      billingEmail: account.billingEmail,
      contactName: 'Ada',
    },
    salesRepEmail: account.salesRepEmail,
    settings: { creditReviewTimeout: '4s' },
  };
  const taskQueue = engine.registry.find((p) => p.name === 'customer-onboarding')!.taskQueue;
  const handle = await engine.client.workflow.start(customerOnboarding, { taskQueue, workflowId, args: [input] });

  const waiting = await eventually(async () => {
    const progress = await handle.query<Progress>('progress');
    return progress.step === 'credit-review' ? progress : undefined;
  }, 'the credit-review step');
  expect(waiting).toMatchObject({ step: 'credit-review', waitingOn: 'Finance', deadline: expect.any(String) });
  const listed = await eventually(async () => {
    const query = `WaitingOn = "Finance" AND ProcessStep = "credit-review" AND WorkflowId = "${workflowId}"`;
    for await (const run of engine.client.workflow.list({ query })) return run;
    return undefined;
  }, 'the run to be listed as waiting on Finance');
  expect(listed.workflowId).toBe(workflowId);

  const result = await handle.result();
  expect(result).toMatchObject({
    reviewedByFinance: false,
    credit: { creditLimit: { amount: 0, currency: 'CHF' }, approvedBy: 'prepayment policy' },
  });
  expect(await customerRow(account.accountId)).toEqual([expect.objectContaining({ credit_limit: '0.00' })]);
  expect(await handle.query<Progress>('progress')).toEqual({ step: 'onboarded' });
  await engine.keepHistory(workflowId, 'prepayment');
});

it('gives one run, one welcome letter and one notice however often the events are delivered', async () => {
  const account = newAccount();
  const created = eventFor('crm.account.created', account);
  const approved = eventFor('finance.credit_limit.approved', { accountId: account.accountId });
  const deliveries = await Promise.all([
    ...[1, 2, 3, 4, 5].map(() => sendEvent(engine.intakeUrl, engine.secret, created)),
    sendEvent(engine.intakeUrl, engine.secret, eventFor('crm.account.created', account)),
  ]);
  expect(deliveries.map((d) => d.status).sort()).toEqual([200, 200, 200, 200, 200, 202]);
  for (let i = 0; i < 3; i++) await sendEvent(engine.intakeUrl, engine.secret, approved);
  await engine.client.workflow.getHandle(`customer-onboarding-${account.accountId}`).result();

  expect(await mailTo(account.billingEmail)).toHaveLength(1);
  expect(await mailTo(account.salesRepEmail)).toHaveLength(1);
  expect(await customerRow(account.accountId)).toHaveLength(1);
});

it('sends an outbox e-mail once when the activity is retried', async () => {
  const transport = nodemailer.createTransport(engine.settings.SMTP_URL);
  const { sendEmail } = mailActivities(engine.pool, transport, 'officeflow <of@test.example>');
  const to = `${uniqueId('retry').toLowerCase()}@customer.example`;
  const mail = { emailKey: uniqueId('run') + '/reminder', to, subject: 'Reminder', text: 'Please pay.', attachmentKeys: [] };
  // Each attempt as Temporal runs it, in an activity's context (the step heartbeats while it sends).
  const attempt = () => new MockActivityEnvironment().run(sendEmail, mail) as ReturnType<typeof sendEmail>;
  const first = await attempt();
  const retried = await attempt();
  expect(first.alreadySent).toBe(false);
  expect(retried).toEqual({ messageId: first.messageId, alreadySent: true });
  expect(await mailTo(to)).toHaveLength(1);
  transport.close();
});

it("sends the engine's own e-mail (an alert, a sign-in link) outside any activity, however slow the SMTP server", async () => {
  const smtp = nodemailer.createTransport(engine.settings.SMTP_URL);
  // Slower than a heartbeat's interval: there is no activity to beat to, and the send must not fail for it.
  const transport = {
    sendMail: async (message: Mail.Options) => (await new Promise((resolve) => setTimeout(resolve, 2_500)), smtp.sendMail(message)),
  } as unknown as Transporter;
  const { sendEmail } = mailActivities(engine.pool, transport, 'officeflow <of@test.example>');
  const to = `${uniqueId('alert').toLowerCase()}@operations.example`;
  const mail = { emailKey: uniqueId('alert') + '/failed', to, subject: 'A run failed', text: 'See the UI.', attachmentKeys: [] };
  expect((await sendEmail(mail)).alreadySent).toBe(false);
  expect(await sendEmail(mail)).toMatchObject({ alreadySent: true });
  expect(await mailTo(to)).toHaveLength(1);
  smtp.close();
});

it('sends an outbox e-mail once when the database drops its session after the SMTP server took it', async () => {
  // The step's own pool, so the session it sends from is known and ended alone, as a PostgreSQL restart would end it.
  const pool = new Pool({ connectionString: engine.settings.DATABASE_URL! });
  let session = 0;
  pool.on('acquire', (client) => (session = (client as unknown as { processID: number }).processID));
  const smtp = nodemailer.createTransport(engine.settings.SMTP_URL);
  const transport = {
    async sendMail(message: Mail.Options) {
      const taken = await smtp.sendMail(message);
      await engine.pool.query('SELECT pg_terminate_backend($1)', [session]);
      return taken;
    },
  } as unknown as Transporter;
  const { sendEmail } = mailActivities(pool, transport, 'officeflow <of@test.example>');
  const to = `${uniqueId('dropped').toLowerCase()}@customer.example`;
  const mail = { emailKey: uniqueId('run') + '/reminder', to, subject: 'Reminder', text: 'Please pay.', attachmentKeys: [] };
  const attempt = () => new MockActivityEnvironment().run(sendEmail, mail) as ReturnType<typeof sendEmail>;
  const first = await attempt();
  expect(first.alreadySent).toBe(false);
  // Its retry (had the step failed) finds it sent: the SMTP server has it once.
  expect(await attempt()).toEqual({ messageId: first.messageId, alreadySent: true });
  expect(await mailTo(to)).toHaveLength(1);
  smtp.close();
  await pool.end();
});

it('keeps personal data out of Temporal: inputs, signals and results are encrypted in the history', async () => {
  const account = newAccount();
  await sendEvent(engine.intakeUrl, engine.secret, eventFor('crm.account.created', { ...account, contactName: 'Zora Privatperson' }));
  const handle = engine.client.workflow.getHandle(`customer-onboarding-${account.accountId}`);
  await sendEvent(engine.intakeUrl, engine.secret, eventFor('finance.credit_limit.approved', { accountId: account.accountId }));
  const result = await handle.result();

  const history = await handle.fetchHistory();
  const stored = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
  expect(stored.includes(handle.workflowId)).toBe(true); // the bytes are searchable: business keys are in the clear
  for (const personal of ['Zora Privatperson', account.billingEmail, account.salesRepEmail, result.customerNumber]) {
    expect(stored.includes(personal)).toBe(false);
  }
  const input = history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0];
  expect(Buffer.from(input.metadata!.encoding!).toString()).toBe('binary/encrypted');
});
