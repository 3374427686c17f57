import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { processes } from '../definitions';
import { exampleEvent } from '../intake/catalog';
import { sendEvent } from '../intake/send';
import { approveAs, esignUrl, signAsCustomer } from './people';
import { localIntakeUrl, uiLink, webhookSecret, withTemporal } from './engine';
import { CommandRefused, EXIT } from './output';
import type { Progress } from '../contracts/progress';
import { progressQuery } from '../workflows/progress';

/** Waits until a run waits on someone or has finished, as a person would before sending the next event. */
async function comeToRest(client: Client, workflowId: string): Promise<void> {
  const handle = client.workflow.getHandle(workflowId);
  for (let waited = 0; waited < 30_000; waited += 250) {
    const { status } = await handle.describe();
    if (status.name !== 'RUNNING' || (await handle.query<Progress>(progressQuery)).waitingOn) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Where a run rests for a long while once nobody holds a task: a contract in force, a hire before the first day. */
const RESTING: Record<string, string> = { 'in-force': 'in force', 'preparing-first-day': 'prepared, waiting for the first day' };
const rests = (progress: Progress) => progress.step in RESTING && !progress.openTasks?.length;

/**
 * Plays the people a run waits on, where it shows them (a contract's approval stages): approves each open task as its
 * assignee, stage after stage, until the run waits on nobody by name or has finished.
 */
async function approveAsAssignees(client: Client, workflowId: string, intakeUrl: string, config: Config): Promise<void> {
  const handle = client.workflow.getHandle(workflowId);
  const decided = new Set<string>();
  for (let waited = 0; waited < 60_000; waited += 250) {
    if ((await handle.describe()).status.name !== 'RUNNING') return;
    const progress = await handle.query<Progress>(progressQuery);
    const { openTasks } = progress;
    // A stage may rest a moment before its tasks open (a hire's first-day preparations): rest counts once some were decided.
    if (!openTasks || (rests(progress) && decided.size > 0)) return;
    for (const { task, assignee } of openTasks.filter((open) => !decided.has(open.task))) {
      decided.add(task);
      const status = await approveAs(config, intakeUrl, { workflowId, task, assignee }, 'approved in the demo');
      console.log(`  ${assignee} approves ${task} -> ${status}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Plays the customer, where a run comes to wait for a signature: signs its envelope on the e-signature service's page. */
async function signWhenAsked(client: Client, workflowId: string, config: Config): Promise<void> {
  const handle = client.workflow.getHandle(workflowId);
  for (let waited = 0; waited < 30_000; waited += 250) {
    if ((await handle.describe()).status.name !== 'RUNNING') return;
    const { step } = await handle.query<Progress>(progressQuery);
    if (step === 'in-force') return;
    const signed = step === 'awaiting-signature' ? await signAsCustomer(esignUrl(config), workflowId) : undefined;
    if (signed) return console.log(`  the customer signs envelope ${signed.envelopeId} -> ${signed.status}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The run's outcome once it has finished, or where it rests (a contract in force sleeps until its renewal reminder). */
async function outcome(client: Client, workflowId: string): Promise<string> {
  const handle = client.workflow.getHandle(workflowId);
  for (;;) {
    if ((await handle.describe()).status.name !== 'RUNNING') return `finished: ${JSON.stringify(await handle.result())}`;
    const progress = await handle.query<Progress>(progressQuery);
    if (rests(progress))
      return `${RESTING[progress.step]}${progress.deadline ? `, waiting on ${progress.waitingOn} until ${progress.deadline}` : ''}`;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Plays a front-office system: sends every trigger's example event (the ones GET /processes publishes) to a
 * running engine, one at a time, plays the approvers and the customer who signs, then waits for the runs to finish
 * (or, for a contract in force, to sleep until its renewal reminder). Sending them again shows the duplicate answers.
 */
export async function runDemo(config: Config, intake?: string): Promise<void> {
  const intakeUrl = intake ?? localIntakeUrl(config);
  const health = await fetch(new URL('/healthz', intakeUrl)).catch(() => undefined);
  if (!health?.ok) {
    throw new CommandRefused(
      `officeflow is not running at ${intakeUrl}: start it first with 'npm start' (in another terminal)`,
      EXIT.unreachable,
    );
  }
  const secret = webhookSecret(config);
  await withTemporal(config, async (client) => {
    for (const process of processes) {
      console.log(`\n${process.name}: ${process.description}`);
      let workflowId: string | undefined;
      for (const trigger of process.triggers.filter((t) => t.demo !== false)) {
        const { status, body } = await sendEvent(intakeUrl, secret, exampleEvent(trigger));
        console.log(`  ${trigger.type} -> ${status} ${JSON.stringify(body)}`);
        if (status >= 300) throw new Error(`the intake refused the demo event ${trigger.type}`);
        workflowId = (body as { workflowId: string }).workflowId;
        await comeToRest(client, workflowId);
      }
      if (!workflowId) continue;
      await approveAsAssignees(client, workflowId, intakeUrl, config);
      await signWhenAsked(client, workflowId, config);
      console.log(`  ${workflowId} ${await outcome(client, workflowId)}`);
      const ui = uiLink(config, workflowId);
      if (ui) console.log(`  see it in the Temporal UI: ${ui}`);
    }
  });
}
