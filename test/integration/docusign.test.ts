import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connectHeaders } from '../../activities/e-signature/connect';
import { playDemo } from '../../cli/demo';
import { overHttps } from '../../cli/people';
import { docuSignActivities } from '../../activities/e-signature/docusign';
import { type DocuSignStandIn, startDocuSignStandIn } from '../../activities/e-signature/docusign-stand-in';
import type { DealRecord } from '../../activities/crm/stand-in';
import type { ContractApprovalResult, ContractApprovalSettings } from '../../contracts/contract';
import { sendEvent } from '../../web/events/send';
import { type TestEngine, eventFor, eventually, startTestEngine, startedRun, uniqueId } from '../support/engine';
import { freshStateDir } from '../support/local-env';
import { demoStageOf } from '../support/vendors';
import { taskDesk } from '../support/tasks';

/**
 * Contracts signed through DocuSign on the real stack: officeflow's connector is DocuSign's own SDK (JWT grant,
 * userinfo, eSignature REST v2.1), pointed at a stand-in that speaks that protocol over HTTPS; DocuSign Connect's
 * messages come back HMAC-signed as DocuSign signs them, with a key being rotated.
 */

const approver = 'sales.manager@docusign.test';
const settings: ContractApprovalSettings = {
  rules: [{ stage: 'sales', waitingOn: 'Sales management', when: { always: true }, approvers: [approver], passWhen: 'any' }],
  managers: {},
  approvalDeadline: '1 hour',
  approvalReminder: '30 minutes',
  renewalNotice: '100 years',
};
// Connect signs with every active key; officeflow knows the new one, the old one is on its way out.
const [NEW_KEY, OLD_KEY] = ['connect-key-new', 'connect-key-old'];
const integration = { integrationKey: 'it-officeflow-test', userId: 'api-user-officeflow-test' };

const dir = freshStateDir('officeflow-docusign-');
const privateKeyFile = path.join(dir, 'integration.pem');
const caFile = path.join(dir, 'docusign-ca.pem');
let docuSign: DocuSignStandIn;
let engine: TestEngine;
beforeAll(async () => {
  const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  writeFileSync(privateKeyFile, privateKey);
  docuSign = await startDocuSignStandIn({
    dir,
    port: 0,
    ...integration,
    privateKey,
    connectUrl: () => `${engine.intakeUrl}/sources/docusign`,
    connectKeys: [NEW_KEY, OLD_KEY],
  });
  writeFileSync(caFile, docuSign.certificate);
  engine = await startTestEngine({
    settings: { 'contract-approval': settings },
    env: {
      ESIGN: 'docusign',
      DOCUSIGN_INTEGRATION_KEY: integration.integrationKey,
      DOCUSIGN_USER_ID: integration.userId,
      DOCUSIGN_PRIVATE_KEY_FILE: privateKeyFile,
      DOCUSIGN_OAUTH_HOST: docuSign.host,
      DOCUSIGN_CONNECT_KEYS: NEW_KEY,
      DOCUSIGN_CA_FILE: caFile,
    },
  });
});
afterAll(async () => {
  await engine.stop();
  await docuSign.stop();
});

/** The stand-in's own pages, as the signer (or an operator voiding) would act on DocuSign's: over its HTTPS. */
const standIn = async (route: string, body?: object) =>
  (await overHttps(new URL(route, docuSign.url).href, docuSign.certificate, body)) as { status: number; body: Record<string, unknown> };

interface StandInEnvelope {
  envelopeId: string;
  status: string;
}
const envelopesOf = async (contractId: string) =>
  (await standIn(`/standin/envelopes?contractId=${contractId}`)).body as unknown as StandInEnvelope[];

/** A contract submitted and approved: its run waits for the signature of the envelope DocuSign sent. */
async function approvedContract() {
  const contractId = uniqueId('K');
  const opportunityId = uniqueId('OPP');
  const event = eventFor('crm.contract.submitted', {
    contractId,
    opportunityId,
    submittedBy: `rep-${contractId.toLowerCase()}@sales.test`,
    value: 10_000,
  });
  expect((await sendEvent(engine.intakeUrl, engine.secret, event)).status).toBe(202);
  const workflowId = `contract-approval-${contractId}`;
  const tasks = taskDesk(engine);
  const task = await eventually(
    async () => (await tasks.tasksOf(approver)).find((t) => t.taskId.startsWith(`${workflowId}:`)),
    'the approval',
  );
  expect((await tasks.decide(task.taskId, approver, 'approve')).status).toBe(200);
  const [envelope] = await eventually(async () => {
    // Sent, not only drafted: officeflow drafts an envelope, keeps its id, then sends it.
    const found = (await envelopesOf(contractId)).filter((e) => e.status === 'sent');
    return found.length ? found : undefined;
  }, 'the envelope');
  return { contractId, opportunityId, workflowId, envelope };
}

const result = async (workflowId: string) => (await startedRun(engine, workflowId)).result() as Promise<ContractApprovalResult>;
const crmDeal = async (id: string) => (await fetch(`${engine.settings.CRM_URL}/deals/${id}`)).json() as Promise<DealRecord>;

it('sends the approved contract as one DocuSign envelope, and keeps the signed PDF and certificate once Connect says it is signed', async () => {
  const c = await approvedContract();
  expect(await standIn(`/standin/envelopes/${c.envelope.envelopeId}/sign`, {})).toMatchObject({ status: 200, body: { connect: 200 } });
  const outcome = await result(c.workflowId);
  expect(outcome).toMatchObject({ outcome: 'signed', stages: ['sales'] });
  const { rows } = await engine.pool.query<{ document_key: string; content: Buffer; sha256: string }>(
    `SELECT document_key, content, sha256 FROM documents WHERE document_key = ANY($1) ORDER BY document_key`,
    [[outcome.signed!.documentKey, `${outcome.signed!.documentKey}/certificate`]],
  );
  expect(rows.map((row) => row.document_key)).toEqual([outcome.signed!.documentKey, `${outcome.signed!.documentKey}/certificate`]);
  for (const row of rows) {
    expect(row.content.subarray(0, 5).toString()).toBe('%PDF-');
    expect(row.sha256).toBe(createHash('sha256').update(row.content).digest('hex'));
  }
  expect(outcome.signed!.sha256).toBe(rows[0].sha256);
  expect(await envelopesOf(c.contractId)).toHaveLength(1);
  expect((await crmDeal(c.opportunityId)).history.map((h) => h.stage)).toEqual(['contract-approved', 'contracted']);
});

it('ends the run with the reason when the signer declines, and tells the CRM', async () => {
  const c = await approvedContract();
  const reason = 'The liability cap is not what we agreed';
  expect((await standIn(`/standin/envelopes/${c.envelope.envelopeId}/decline`, { reason })).status).toBe(200);
  expect(await result(c.workflowId)).toMatchObject({ outcome: 'signature-declined', reason: expect.stringContaining(reason) });
  const deal = await crmDeal(c.opportunityId);
  expect(deal.stage).toBe('signature-declined');
  expect(deal.history.at(-1)?.note).toContain(reason);
  await engine.keepHistory(c.workflowId, 'signature-declined');
});

it('takes a Connect message once, however often DocuSign sends it, and refuses one no active key signed', async () => {
  const c = await approvedContract();
  expect((await standIn(`/standin/envelopes/${c.envelope.envelopeId}/void`, { reason: 'Sent to the wrong signer' })).status).toBe(200);
  expect(await result(c.workflowId)).toMatchObject({ outcome: 'signature-declined', reason: 'voided: Sent to the wrong signer' });
  const message = JSON.stringify({
    event: 'envelope-voided',
    generatedDateTime: new Date().toISOString(),
    data: {
      envelopeId: c.envelope.envelopeId,
      envelopeSummary: {
        status: 'voided',
        voidedReason: 'again',
        customFields: { textCustomFields: [{ name: 'contractId', value: c.contractId }] },
      },
    },
  });
  const post = (headers: Record<string, string>) =>
    fetch(`${engine.intakeUrl}/sources/docusign`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: message,
    });
  const again = await post(connectHeaders(message, [OLD_KEY, NEW_KEY]));
  expect({ status: again.status, body: await again.json() }).toEqual({ status: 200, body: { received: 1, new: 0 } });
  expect((await post(connectHeaders(message, ['a-guessed-key']))).status).toBe(401);
  expect((await post({})).status).toBe(401);
});

it('finds the envelope a step already sent by its run key, instead of sending a second', async () => {
  const activities = docuSignActivities(engine.pool, {
    ...integration,
    privateKey: readFileSync(privateKeyFile, 'utf8'),
    oauthHost: docuSign.host,
    caFile,
  });
  const contractId = uniqueId('K');
  const request = {
    envelopeKey: `contract-approval-${contractId}/signature/v1`,
    contractId,
    document: { version: 'v1', text: 'We agree.' },
    signer: { name: 'Maria Anders', email: 'maria@customer.test' },
  };
  const first = await activities.sendForSignature(request);
  const retried = await activities.sendForSignature(request);
  expect(retried.envelopeId).toBe(first.envelopeId);
  expect(await envelopesOf(contractId)).toHaveLength(1);
});

it('plays the contract demo through DocuSign: the customer signs on its stand-in', async () => {
  const process = engine.registry.find((p) => p.name === 'contract-approval')!;
  const { outcome } = await playDemo(process, demoStageOf(engine), { businessKey: uniqueId('DEMO') });
  expect(outcome).toMatch(new RegExp(`^(finished|${Object.values(process.demo.restsAt ?? {}).join('|')})`));
});
