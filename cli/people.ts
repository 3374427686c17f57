import { readFileSync } from 'node:fs';
import { requestText } from '../infra/http-request';
import path from 'node:path';
import { DOCUSIGN_STAND_IN_CERTIFICATE } from '../activities/e-signature';
import type { Config } from '../config';
import type { ListedTask } from '../activities/human-tasks/store';
import type { Verdict } from '../contracts/human-tasks';
import { askIntake, tokenFor } from './tasks';

/**
 * The people a run waits on, played by a program (the demo, the burst, the chaos run): an approver deciding a task
 * through the task API, signed in as the assignee; a customer signing on the e-signature service's page.
 */

/** Decides a run's task as its assignee; answers the task API's status (409 when it was decided already). */
export async function decideAs(
  config: Config,
  intakeUrl: string,
  task: { workflowId: string; task: string; assignee: string },
  decision: Verdict,
  comment: string,
): Promise<number> {
  const response = await fetch(new URL(`/tasks/${encodeURIComponent(`${task.workflowId}:${task.task}`)}/decision`, intakeUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor(config, { as: task.assignee })}` },
    body: JSON.stringify({ decision, comment }),
  });
  return response.status;
}

/** A person's open tasks across every run, as their inbox lists them: the task API, signed in as them. */
export const inboxOf = (config: Config, intakeUrl: string, person: string): Promise<ListedTask[]> =>
  askIntake<ListedTask[]>(config, { as: person, intake: intakeUrl }, '/tasks');

/** A request to a stand-in over HTTPS with a certificate of its own (DocuSign's): its status and JSON answer. */
export async function overHttps(url: string, ca: string, body?: object): Promise<{ status: number; body: unknown }> {
  const answer = await requestText(
    new URL(url),
    { method: body ? 'POST' : 'GET', ca, headers: body ? { 'content-type': 'application/json' } : {} },
    body ? JSON.stringify(body) : undefined,
  );
  return { status: answer.status, body: JSON.parse(answer.text || '{}') };
}

/**
 * Signs as the customer on DocuSign's stand-in: the newest envelope its contract field names. The stand-in is where
 * the settings point, else the local engine's (its port, its certificate in the state folder).
 */
async function signOnDocuSign(config: Config, workflowId: string) {
  const local = !config.DOCUSIGN_INTEGRATION_KEY;
  const base = `https://${local ? `127.0.0.1:${config.ESIGN_STANDIN_PORT}` : config.DOCUSIGN_OAUTH_HOST}`;
  const ca = readFileSync(config.DOCUSIGN_CA_FILE ?? path.join(config.OFFICEFLOW_STATE_DIR, DOCUSIGN_STAND_IN_CERTIFICATE), 'utf8');
  const listed = (await overHttps(`${base}/standin/envelopes`, ca)).body as Array<{
    envelopeId: string;
    status: string;
    customFields: Array<{ name: string; value: string }>;
  }>;
  const envelope = listed
    .filter((e) => e.status === 'sent' && e.customFields.some((f) => f.name === 'contractId' && workflowId.endsWith(`-${f.value}`)))
    .pop();
  if (!envelope) return undefined;
  const signed = await overHttps(`${base}/standin/envelopes/${envelope.envelopeId}/sign`, ca, {});
  return { envelopeId: envelope.envelopeId, status: signed.status };
}

/**
 * Signs, as the customer, the envelope the e-signature service holds for the run's contract, when one waits for a
 * signature (on DocuSign's stand-in where `ESIGN=docusign`); signing again redelivers the completion event. Undefined
 * when none waits.
 */
export async function signAsCustomer(config: Config, workflowId: string): Promise<{ envelopeId: string; status: number } | undefined> {
  if (config.ESIGN === 'docusign') return signOnDocuSign(config, workflowId);
  const url = esignUrl(config);
  const envelopes = (await (await fetch(new URL('/envelopes', url))).json()) as Array<{ envelopeId: string; contractId: string }>;
  // The newest envelope of the contract: a revised contract is signed in its latest version.
  const envelope = envelopes.filter((e) => workflowId.endsWith(`-${e.contractId}`)).pop();
  if (!envelope) return undefined;
  const signed = await fetch(new URL(`/sign/${envelope.envelopeId}`, url), { method: 'POST' });
  return { envelopeId: envelope.envelopeId, status: signed.status };
}

/** Where the e-signature service is: configured, or the local stand-in. */
export const esignUrl = (config: Config): string => config.ESIGN_URL ?? `http://127.0.0.1:${config.ESIGN_STANDIN_PORT}`;
