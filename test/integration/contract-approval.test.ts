import { createHash } from 'node:crypto';
import type { DealRecord } from '../../activities/crm/stand-in';
import type { ContractApprovalResult, ContractApprovalSettings } from '../../contracts/contract';
import { ContractSubmitted } from '../../contracts/contract';
import type { Progress } from '../../contracts/progress';
import type { Page } from 'puppeteer-core';
import { browserPool } from '../../infra/browser';
import { sendEvent } from '../../web/events/send';
import { contractApproval } from '../../workflows/contract-approval';
import type { ContractView } from '../../insights/contract';
import { officeflowCli } from '../support/cli';
import { TEST_AUDITOR, type TestEngine, eventFor, eventually, mailTo, startTestEngine, uniqueId } from '../support/engine';

const people = {
  sales: 'sales.manager@contracts.test',
  salesDeputy: 'sales.deputy@contracts.test',
  finance: 'finance@contracts.test',
  director: 'finance.director@contracts.test',
  legal: 'legal@contracts.test',
  cfo: 'cfo@contracts.test',
};
const EUR = (amount: number) => ({ amount: amount * 100, currency: 'EUR' });
const settings: ContractApprovalSettings = {
  rules: [
    {
      stage: 'sales',
      waitingOn: 'Sales management',
      when: { always: true },
      approvers: [people.sales, people.salesDeputy],
      passWhen: 'any',
    },
    { stage: 'finance', waitingOn: 'Finance', when: { amountAtLeast: EUR(50_000) }, approvers: [people.finance], passWhen: 'all' },
    {
      stage: 'legal',
      waitingOn: 'Legal',
      when: { amountAtLeast: EUR(250_000), flag: 'nonStandardClauses' },
      approvers: [people.legal, people.cfo],
      passWhen: 'all',
    },
  ],
  managers: { [people.finance]: people.director },
  approvalDeadline: '1 hour',
  approvalReminder: '30 minutes',
  // Longer than any test contract's term: the renewal reminder goes out as soon as it is signed.
  renewalNotice: '100 years',
  duties: { delegateTo: { domains: ['contracts.test'] } },
};

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine({ settings: { 'contract-approval': settings } });
});
afterAll(() => engine.stop());

/** A contract submitted by a sales rep of its own, through the intake (or started with other settings). */
async function submit(data: Record<string, unknown>, changedSettings?: Partial<ContractApprovalSettings>) {
  const contractId = uniqueId('K');
  const submittedBy = `rep-${contractId.toLowerCase()}@sales.test`;
  const event = eventFor('crm.contract.submitted', { contractId, opportunityId: uniqueId('OPP'), submittedBy, ...data });
  const workflowId = `contract-approval-${contractId}`;
  if (!changedSettings) expect((await sendEvent(engine.intakeUrl, engine.secret, event)).status).toBe(202);
  else {
    const definition = engine.registry.find((p) => p.name === 'contract-approval')!;
    await engine.client.workflow.start(contractApproval, {
      taskQueue: definition.taskQueue,
      workflowId,
      args: [{ ...ContractSubmitted.parse(event.data), settings: { ...settings, ...changedSettings } }],
    });
  }
  return { contractId, submittedBy, workflowId, opportunityId: (event.data as { opportunityId: string }).opportunityId };
}

/** The run's task of `stage` (round 1 unless said) held by `assignee`, once it is open. */
async function openTask(workflowId: string, stage: string, assignee: string, round = 1) {
  return eventually(async () => {
    const { rows } = await engine.pool.query<{ task_id: string }>(
      `SELECT task_id FROM human_tasks WHERE workflow_id = $1 AND task_id LIKE $2 AND assignee = $3 AND status = 'open'`,
      [workflowId, `%:round-${round}:${stage}:%`, assignee],
    );
    return rows[0]?.task_id;
  }, `${assignee}'s ${stage} task`);
}

async function act(taskId: string, as: string, action: 'decision' | 'delegation', body: object) {
  const response = await fetch(`${engine.intakeUrl}/tasks/${encodeURIComponent(taskId)}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await engine.signedInAs(as)) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Finds the person's open task of the stage and decides it. */
async function decideStage(workflowId: string, stage: string, as: string, decision = 'approve', comment?: string, round = 1) {
  const result = await act(await openTask(workflowId, stage, as, round), as, 'decision', { decision, comment });
  expect(result.status).toBe(200);
}

async function auditTrail(contractId: string) {
  const response = await fetch(`${engine.intakeUrl}/contracts/${contractId}/audit`, { headers: await engine.signedInAs(TEST_AUDITOR) });
  return (await response.json()) as Array<{
    event: string;
    actor?: string;
    onBehalfOf?: string;
    documentVersion: string;
    detail: Record<string, unknown>;
  }>;
}

/** The one-click link in the first task e-mail a person got about a contract. */
async function linkIn(person: string, contractId: string): Promise<string> {
  const mail = await eventually(
    async () => (await mailTo(person)).find((m) => m.subject?.includes(contractId) && m.text?.includes('/links/')),
    `the task e-mail to ${person}`,
  );
  return /(http:\/\/\S+\/links\/\S+)/.exec(mail.text!)![1];
}

/** Plays the customer: signs the contract's envelope on the e-signature service's page, and answers what it signed. */
async function sign(contractId: string): Promise<string> {
  const esign = engine.settings.ESIGN_URL!;
  const envelope = await eventually(async () => {
    const envelopes = (await (await fetch(`${esign}/envelopes?contractId=${contractId}`)).json()) as Array<{ envelopeId: string }>;
    return envelopes[0];
  }, 'the envelope');
  expect((await fetch(`${esign}/sign/${envelope.envelopeId}`, { method: 'POST' })).status).toBe(200);
  return (await fetch(`${esign}/envelopes/${envelope.envelopeId}/document`)).text();
}

const result = (workflowId: string) => engine.client.workflow.getHandle(workflowId).result() as Promise<ContractApprovalResult>;
const crmDeal = async (id: string) => (await fetch(`${engine.settings.CRM_URL}/deals/${id}`)).json() as Promise<DealRecord>;

it('routes a large contract through every stage, legal and the CFO in parallel, and keeps each step in the audit trail', async () => {
  const c = await submit({ value: 300_000 });
  await decideStage(c.workflowId, 'sales', people.sales);
  await decideStage(c.workflowId, 'finance', people.finance);
  const progress = await eventually(async () => {
    const now = await engine.client.workflow.getHandle(c.workflowId).query<Progress>('progress');
    return now.step === 'approval:legal' && now.openTasks?.length === 2 ? now : undefined;
  }, 'the legal stage with two open tasks');
  expect(progress).toMatchObject({ waitingOn: 'Legal', openTasks: [{ assignee: people.legal }, { assignee: people.cfo }] });
  // Operators find it without opening it: by stage, team, person and value.
  const query = `ProcessStep = "approval:legal" AND WaitingOn = "Legal" AND Assignees = "${people.cfo}" AND ContractValue >= 250000 AND WorkflowId = "${c.workflowId}"`;
  const listed = await eventually(async () => {
    for await (const run of engine.client.workflow.list({ query })) return run;
    return undefined;
  }, 'the run in a search by stage and value');
  expect(listed.workflowId).toBe(c.workflowId);
  await decideStage(c.workflowId, 'legal', people.cfo);
  await decideStage(c.workflowId, 'legal', people.legal);

  const signedText = await sign(c.contractId);
  const outcome = await result(c.workflowId);
  expect(outcome).toMatchObject({ outcome: 'signed', documentVersion: 'v1', stages: ['sales', 'finance', 'legal'] });
  // The signed document is kept, and its hash matches the document the signer signed.
  expect(outcome.signed!.sha256).toBe(createHash('sha256').update(signedText).digest('hex'));
  const {
    rows: [kept],
  } = await engine.pool.query('SELECT content, sha256 FROM documents WHERE document_key = $1', [outcome.signed!.documentKey]);
  expect(kept.content.toString()).toBe(signedText);
  expect(kept.sha256).toBe(outcome.signed!.sha256);
  expect((await crmDeal(c.opportunityId)).history.map((h) => h.stage)).toEqual(['contract-approved', 'contracted']);
  expect((await mailTo(c.submittedBy)).map((m) => m.subject)).toEqual([
    `Contract ${c.contractId} is approved`,
    `Contract ${c.contractId} is signed`,
    expect.stringMatching(new RegExp(`^Contract ${c.contractId} ends on \\d{4}-\\d{2}-\\d{2}$`)),
  ]);
  const { rows: deputy } = await engine.pool.query(`SELECT status FROM human_tasks WHERE workflow_id = $1 AND assignee = $2`, [
    c.workflowId,
    people.salesDeputy,
  ]);
  expect(deputy).toEqual([{ status: 'withdrawn' }]); // "any one" of sales sufficed

  const trail = await auditTrail(c.contractId);
  expect(trail.map((entry) => entry.event)).toEqual(
    expect.arrayContaining([
      'submitted',
      'routed',
      'task-opened',
      'decision',
      'task-withdrawn',
      'stage-passed',
      'approved',
      'sent-for-signature',
      'signed',
      'renewal-reminded',
    ]),
  );
  expect(trail[0]).toMatchObject({ event: 'submitted', actor: c.submittedBy, documentVersion: 'v1' });
  expect(trail.filter((entry) => entry.event === 'decision').map((entry) => entry.actor)).toEqual([
    people.sales,
    people.finance,
    people.cfo,
    people.legal,
  ]);
  // One view of the contract across the processes: its state, its run, nothing open, its trail in short.
  const view = await officeflowCli(engine).json<ContractView>('contract', c.contractId, '--as', TEST_AUDITOR);
  expect(view).toMatchObject({
    contract: c.contractId,
    state: 'signed',
    customer: expect.any(String),
    runs: [{ process: 'contract-approval', workflowId: c.workflowId, outcome: 'signed' }],
    openTasks: [],
  });
  expect(view.audit.find((entry) => entry.event === 'decision')?.entries).toBe(4);
  await engine.keepHistory(c.workflowId, 'signed');
  await expect(engine.pool.query(`DELETE FROM contract_audit WHERE contract_id = $1`, [c.contractId])).rejects.toThrow(/append-only/);
  await expect(engine.pool.query(`UPDATE contract_audit SET event = 'x' WHERE contract_id = $1`, [c.contractId])).rejects.toThrow(
    /append-only/,
  );
});

it('ends when one approver of a parallel stage rejects: the other task is withdrawn, the submitter told why, the CRM marked', async () => {
  const c = await submit({ value: 10_000, nonStandardClauses: ['unlimited liability'] });
  await decideStage(c.workflowId, 'sales', people.salesDeputy);
  await openTask(c.workflowId, 'legal', people.cfo);
  await decideStage(c.workflowId, 'legal', people.legal, 'reject', 'unlimited liability is not acceptable');

  expect(await result(c.workflowId)).toMatchObject({
    outcome: 'rejected',
    reason: expect.stringContaining('unlimited liability is not acceptable'),
  });
  expect((await crmDeal(c.opportunityId)).stage).toBe('contract-rejected');
  const [mail] = await mailTo(c.submittedBy);
  expect(mail.text).toContain('unlimited liability is not acceptable');
  const { rows } = await engine.pool.query(
    `SELECT status FROM human_tasks WHERE workflow_id = $1 AND assignee = $2 AND task_id LIKE '%legal%'`,
    [c.workflowId, people.cfo],
  );
  expect(rows).toEqual([{ status: 'withdrawn' }]);
  await engine.keepHistory(c.workflowId, 'rejected-in-parallel');
});

it('escalates a missed deadline to the approver’s manager, who decides in their place', async () => {
  const c = await submit({ value: 60_000 }, { approvalDeadline: '4s', approvalReminder: '1s' });
  await decideStage(c.workflowId, 'sales', people.sales);
  const task = await openTask(c.workflowId, 'finance', people.director);
  expect((await act(task, people.finance, 'decision', { decision: 'approve' })).status).toBe(403);
  expect((await act(task, people.director, 'decision', { decision: 'approve' })).body).toMatchObject({
    decidedBy: people.director,
    onBehalfOf: people.finance,
    escalated: true,
  });

  await sign(c.contractId);
  expect(await result(c.workflowId)).toMatchObject({ outcome: 'signed' });
  expect((await mailTo(people.finance)).map((m) => m.subject)).toEqual(expect.arrayContaining([expect.stringMatching(/^Reminder/)]));
  // The assignee's link expired with the deadline; nothing it could do changes the run.
  const expired = await fetch(await linkIn(people.finance, c.contractId));
  expect(expired.status).toBe(410);
  expect(await expired.text()).toContain('This link has expired');
  const trail = await auditTrail(c.contractId);
  expect(trail).toEqual(expect.arrayContaining([expect.objectContaining({ event: 'task-escalated', actor: people.director })]));
  expect(trail).toEqual(
    expect.arrayContaining([expect.objectContaining({ event: 'decision', actor: people.director, onBehalfOf: people.finance })]),
  );
  await engine.keepHistory(c.workflowId, 'escalated');
});

it('does not escalate to a manager the four-eyes rules exclude: the task stays, overdue, with its approver', async () => {
  // The finance controller's manager submitted this contract: escalating to them would let them approve their own.
  const c = await submit({ value: 60_000, submittedBy: people.director }, { approvalDeadline: '3s', approvalReminder: '1s' });
  await decideStage(c.workflowId, 'sales', people.sales);
  const task = await openTask(c.workflowId, 'finance', people.finance);
  await eventually(
    async () => ((await mailTo(people.finance)).some((m) => m.subject?.startsWith('Reminder')) ? true : undefined),
    'the reminder',
  );
  await new Promise((resolve) => setTimeout(resolve, 3_000)); // past the deadline
  const { rows } = await engine.pool.query(`SELECT assignee, status FROM human_tasks WHERE task_id = $1`, [task]);
  expect(rows).toEqual([{ assignee: people.finance, status: 'open' }]);
  expect((await mailTo(people.director)).filter((m) => m.subject?.includes(c.contractId))).toEqual([]);
  // The trail says why the task is still with its approver.
  expect(await auditTrail(c.contractId)).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        event: 'task-escalation-refused',
        actor: people.finance,
        detail: expect.objectContaining({ to: people.director, because: expect.stringContaining('who this run is about') }),
      }),
    ]),
  );
  expect((await act(task, people.finance, 'decision', { decision: 'approve' })).status).toBe(200);
});

it('lets an approver delegate; the record keeps who decided on whose behalf', async () => {
  const c = await submit({ value: 60_000 });
  await decideStage(c.workflowId, 'sales', people.sales);
  const task = await openTask(c.workflowId, 'finance', people.finance);
  const stranger = 'someone@contracts.test';
  expect((await act(task, stranger, 'delegation', { to: stranger })).status).toBe(403);
  expect(await act(task, people.finance, 'delegation', { to: people.cfo, comment: 'on leave' })).toMatchObject({ status: 200 });
  expect((await act(task, people.finance, 'decision', { decision: 'approve' })).status).toBe(403);
  expect((await act(task, people.cfo, 'decision', { decision: 'approve' })).body).toMatchObject({
    decidedBy: people.cfo,
    onBehalfOf: people.finance,
  });

  await sign(c.contractId);
  expect(await result(c.workflowId)).toMatchObject({ outcome: 'signed' });
  const trail = await auditTrail(c.contractId);
  expect(trail).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ event: 'task-delegated', actor: people.cfo, detail: expect.objectContaining({ from: people.finance }) }),
    ]),
  );
});

it('keeps four eyes on a contract: its submitter, a double approver, an outside delegate and a loop are each refused', async () => {
  // The sales manager submits a contract of their own; the process lets tasks go to both company domains.
  const c = await submit(
    { value: 300_000, submittedBy: people.sales },
    { duties: { delegateTo: { domains: ['contracts.test', 'sales.test'] } } },
  );
  const refusal = (why: string) => ({ status: 403, body: expect.objectContaining({ message: expect.stringContaining(why) }) });
  const fourEyes = (to: string) => refusal(`cannot go to ${to}: this process's separation of duties does not allow it`);
  // The submitter is one of the sales stage's approvers: they get no task, and the deputy's is the stage's one.
  const deputyTask = await openTask(c.workflowId, 'sales', people.salesDeputy);
  expect(await act(deputyTask, people.sales, 'decision', { decision: 'approve' })).toMatchObject({ status: 403 });
  expect(await act(deputyTask, people.salesDeputy, 'delegation', { to: people.sales })).toEqual(fourEyes(people.sales));
  expect(await act(deputyTask, people.salesDeputy, 'delegation', { to: 'friend@elsewhere.example' })).toEqual(
    fourEyes('friend@elsewhere.example'),
  );
  await decideStage(c.workflowId, 'sales', people.salesDeputy);
  const { rows: salesTasks } = await engine.pool.query(
    `SELECT assignee FROM human_tasks WHERE workflow_id = $1 AND task_id LIKE '%:sales:%'`,
    [c.workflowId],
  );
  expect(salesTasks).toEqual([{ assignee: people.salesDeputy }]);

  // Finance hands its task on, and it is not handed back.
  const financeTask = await openTask(c.workflowId, 'finance', people.finance);
  expect((await act(financeTask, people.finance, 'delegation', { to: people.director })).status).toBe(200);
  expect(await act(financeTask, people.director, 'delegation', { to: people.finance })).toEqual(fourEyes(people.finance));
  expect((await act(financeTask, people.director, 'decision', { decision: 'approve' })).status).toBe(200);

  // Legal may not give its task to the CFO, who holds the stage's other task, nor to the director, who approved already;
  // the refusal says so without telling what the others' duties are.
  const legalTask = await openTask(c.workflowId, 'legal', people.legal);
  for (const to of [people.cfo, people.director]) {
    const refused = await act(legalTask, people.legal, 'delegation', { to });
    expect(refused).toEqual(fourEyes(to));
    expect(refused.body.message).not.toMatch(/holds|approved/);
  }
  expect((await engine.pool.query(`SELECT assignee FROM human_tasks WHERE task_id = $1`, [legalTask])).rows).toEqual([
    { assignee: people.legal },
  ]);
  await decideStage(c.workflowId, 'legal', people.legal);
  await decideStage(c.workflowId, 'legal', people.cfo);
  await sign(c.contractId);
  expect(await result(c.workflowId)).toMatchObject({ outcome: 'signed', stages: ['sales', 'finance', 'legal'] });
  const trail = await auditTrail(c.contractId);
  expect(trail).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        event: 'approvers-changed',
        detail: {
          stage: 'sales',
          round: 1,
          changes: [{ approver: people.sales, because: expect.stringContaining('who this run is about') }],
        },
      }),
    ]),
  );
});

it('seats four eyes as a stage opens: one task for a person named twice, a manager for who approved already', async () => {
  // The CFO approves the finance stage and is one of Legal's approvers too, where Legal is named twice: Legal gets one
  // task, and the CFO's place goes to their manager.
  const ceo = 'ceo@contracts.test';
  const c = await submit(
    { value: 300_000 },
    {
      rules: [
        { stage: 'finance', waitingOn: 'Finance', when: { always: true }, approvers: [people.cfo], passWhen: 'all' },
        {
          stage: 'legal',
          waitingOn: 'Legal',
          when: { always: true },
          approvers: [people.legal, people.cfo, people.legal.toUpperCase()],
          passWhen: 'all',
        },
      ],
      managers: { [people.cfo]: ceo },
    },
  );
  await decideStage(c.workflowId, 'finance', people.cfo);
  await decideStage(c.workflowId, 'legal', people.legal);
  await decideStage(c.workflowId, 'legal', ceo);
  await sign(c.contractId);
  expect(await result(c.workflowId)).toMatchObject({ outcome: 'signed', stages: ['finance', 'legal'] });
  const { rows } = await engine.pool.query(
    `SELECT assignee, decision FROM human_tasks WHERE workflow_id = $1 AND task_id LIKE '%:legal:%' ORDER BY assignee`,
    [c.workflowId],
  );
  expect(rows).toEqual([
    { assignee: ceo, decision: 'approve' },
    { assignee: people.legal, decision: 'approve' },
  ]);
  const changed = (await auditTrail(c.contractId)).find((entry) => entry.event === 'approvers-changed');
  expect(changed?.detail).toEqual({
    stage: 'legal',
    round: 1,
    changes: [
      { approver: people.cfo, by: ceo, because: expect.stringContaining('already approved in this round') },
      { approver: people.legal.toUpperCase(), because: expect.stringContaining('named more than once') },
    ],
  });
});

it('fails a run, saying why, whose stage nobody may approve with four eyes', async () => {
  const c = await submit(
    { value: 1_000, submittedBy: people.sales },
    { rules: [{ stage: 'sales', waitingOn: 'Sales management', when: { always: true }, approvers: [people.sales], passWhen: 'all' }] },
  );
  await expect(result(c.workflowId)).rejects.toMatchObject({
    cause: expect.objectContaining({
      type: 'SeparationOfDuties',
      message: expect.stringContaining(`the sales stage cannot pass with four eyes: ${people.sales} is who this run is about`),
    }),
  });
  expect((await engine.pool.query(`SELECT 1 FROM human_tasks WHERE workflow_id = $1`, [c.workflowId])).rowCount).toBe(0);
});

it('waits for a revision after a change request, then routes the revised contract afresh: a higher value adds a stage', async () => {
  const c = await submit({ value: 60_000 });
  await decideStage(c.workflowId, 'sales', people.sales);
  await decideStage(c.workflowId, 'finance', people.finance, 'request-changes', 'payment terms of 90 days are too long');
  await eventually(async () => (await mailTo(c.submittedBy)).find((m) => m.text?.includes('90 days')), 'the change request');
  const revised = eventFor('crm.contract.revised', {
    contractId: c.contractId,
    value: 300_000,
    currency: 'EUR',
    document: { version: 'v2', text: 'Revised: 30 days.' },
  });
  expect((await sendEvent(engine.intakeUrl, engine.secret, revised)).status).toBe(202);

  await decideStage(c.workflowId, 'sales', people.salesDeputy, 'approve', undefined, 2);
  await decideStage(c.workflowId, 'finance', people.finance, 'approve', undefined, 2);
  await decideStage(c.workflowId, 'legal', people.legal, 'approve', undefined, 2);
  await decideStage(c.workflowId, 'legal', people.cfo, 'approve', undefined, 2);
  await sign(c.contractId);
  expect(await result(c.workflowId)).toMatchObject({ outcome: 'signed', documentVersion: 'v2', stages: ['sales', 'finance', 'legal'] });
  const trail = await auditTrail(c.contractId);
  expect(trail.find((entry) => entry.event === 'revised')).toMatchObject({ documentVersion: 'v2' });
  expect(trail.filter((entry) => entry.event === 'decision' && entry.documentVersion === 'v2')).toHaveLength(4);
  await engine.keepHistory(c.workflowId, 'changes-requested-then-revised');
});

it('takes a decision from the one-click link in the e-mail, clicked in Chromium; a tampered or used link changes nothing', async () => {
  const c = await submit({ value: 10_000 });
  const link = await linkIn(people.sales, c.contractId);
  const tampered = link.slice(0, -2) + (link.endsWith('A') ? 'BB' : 'AA');
  const browser = browserPool(engine.settings);
  const heading = (page: Page) => page.$eval('h1', (h1) => h1.textContent?.trim());
  try {
    await browser.withPage(async (page) => {
      await page.goto(tampered);
      expect(await heading(page)).toBe('This link is not valid');
      await page.goto(link);
      expect(await heading(page)).toBe(`Approve contract ${c.contractId} (sales), version v1`);
      await page.type('textarea#comment', 'fine by me');
      await Promise.all([page.waitForNavigation(), page.click('button[value="approve"]')]);
      expect(await heading(page)).toBe('Your decision was recorded');
      await page.goto(link);
      expect(await heading(page)).toBe('This link was already used');
    });
  } finally {
    await browser.close();
  }
  await sign(c.contractId);
  expect(await result(c.workflowId)).toMatchObject({ outcome: 'signed' });
  const trail = await auditTrail(c.contractId);
  expect(trail).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ event: 'decision', actor: people.sales, detail: expect.objectContaining({ comment: 'fine by me' }) }),
    ]),
  );
  const reused = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'decision=reject',
  });
  expect(reused.status).toBe(410);
});

it('takes one of two decisions racing for one task and refuses the other', async () => {
  const c = await submit({ value: 60_000 });
  await decideStage(c.workflowId, 'sales', people.sales);
  // Finance has one approver: whichever decision wins ends the stage, and with it the run.
  const task = await openTask(c.workflowId, 'finance', people.finance);
  const raced = await Promise.all([
    act(task, people.finance, 'decision', { decision: 'approve' }),
    act(task, people.finance, 'decision', { decision: 'reject', comment: 'second thoughts' }),
  ]);
  expect(raced.map((r) => r.status).sort()).toEqual([200, 409]);
  const winner = raced.find((r) => r.status === 200)!.body.decision;
  if (winner === 'approve') await sign(c.contractId);
  expect(await result(c.workflowId)).toMatchObject({ outcome: winner === 'approve' ? 'signed' : 'rejected' });
});
