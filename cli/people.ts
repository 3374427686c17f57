import type { Config } from '../config';
import type { Verdict } from '../contracts/human-tasks';
import { tokenFor } from './tasks';

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

/**
 * Signs, as the customer, the envelope the e-signature service holds for the run's contract, when one waits for a
 * signature; signing again redelivers the completion event. Undefined when none waits.
 */
export async function signAsCustomer(esignUrl: string, workflowId: string): Promise<{ envelopeId: string; status: number } | undefined> {
  const envelopes = (await (await fetch(new URL('/envelopes', esignUrl))).json()) as Array<{ envelopeId: string; contractId: string }>;
  // The newest envelope of the contract: a revised contract is signed in its latest version.
  const envelope = envelopes.filter((e) => workflowId.endsWith(`-${e.contractId}`)).pop();
  if (!envelope) return undefined;
  const signed = await fetch(new URL(`/sign/${envelope.envelopeId}`, esignUrl), { method: 'POST' });
  return { envelopeId: envelope.envelopeId, status: signed.status };
}

/** Where the e-signature service is: configured, or the local stand-in. */
export const esignUrl = (config: Config): string => config.ESIGN_URL ?? `http://127.0.0.1:${config.ESIGN_STANDIN_PORT}`;
