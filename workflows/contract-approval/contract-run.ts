import { patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { Contract, ContractApprovalInput, EnvelopeDeclined, Revision } from '../../contracts/contract';
import type { TaskEvent } from '../../contracts/human-tasks';
import { emailOnce } from '../email';
import { humanTasks } from '../human-tasks';
import { trackProgress } from '../progress';
import { quickStep } from '../retry-profiles';
import { contractRevised, envelopeCompleted, envelopeDeclined } from './messages';

const { recordAudit } = proxyActivities<Activities>(quickStep);

/**
 * One contract's run: the contract as it stands (revisions replace it), what the run has heard, and the means every
 * phase shares: progress, people's tasks, the audit trail, the submitter's e-mail.
 */
export function followContract(input: ContractApprovalInput) {
  const { settings, ...submitted } = input;
  const runKey = workflowInfo().workflowId;
  const progress = trackProgress('routing');
  const heard: {
    revision?: Revision;
    envelope?: { envelopeId: string; signedAt: string };
    declined?: Omit<EnvelopeDeclined, 'contractId'>;
  } = {};
  setHandler(contractRevised, (revised) => void (heard.revision ??= revised));
  setHandler(envelopeCompleted, (completed) => void (heard.envelope ??= completed));
  setHandler(envelopeDeclined, (declined) => void (heard.declined ??= declined));

  // Entries are kept one after another, so the trail's order is the order they happened in even when two arrive
  // together (two approvers of a parallel stage). Runs recorded before this kept them side by side.
  const oneAfterAnother = patched('contract-audit-in-order');
  let kept: Promise<unknown> = Promise.resolve();
  const keep = (entry: Parameters<typeof recordAudit>[0]): Promise<void> => {
    if (!oneAfterAnother) return recordAudit(entry);
    const recorded = kept.then(() => recordAudit(entry));
    kept = recorded.catch(() => undefined);
    return recorded;
  };

  const run = {
    contract: submitted as Contract,
    settings,
    runKey,
    progress,
    heard,
    // The submitter never decides their own contract; the process's settings say who else may not.
    ask: humanTasks(progress, { observe: (event) => auditTask(event), about: [submitted.submittedBy], duties: settings.duties }),
    /** Keeps an event in the contract's audit trail, in order, once however often the step runs. */
    audit: (event: string, detail: Record<string, unknown> = {}, actor?: string, onBehalfOf?: string): Promise<void> =>
      keep({
        entryKey: `${runKey}/${++entries}`,
        contractId: run.contract.contractId,
        event,
        actor,
        onBehalfOf,
        documentVersion: run.contract.document.version,
        detail,
      }),
    tellSubmitter: (kind: string, subject: string, text: string) => emailOnce(kind, run.contract.submittedBy, subject, text),
  };
  let entries = 0;
  const auditTask = (event: TaskEvent): Promise<void> =>
    event.kind === 'decided'
      ? run.audit(
          'decision',
          { task: event.task, decision: event.decision.decision, comment: event.decision.comment },
          event.decision.decidedBy,
          event.decision.onBehalfOf,
        )
      : run.audit(`task-${event.kind}`, detailOf(event), event.assignee);
  return run;
}

export type ContractRun = ReturnType<typeof followContract>;

/** What the trail keeps of a task's event beyond its kind and person: the task, and who it came from and why, where said. */
function detailOf(event: Exclude<TaskEvent, { kind: 'decided' }>): Record<string, unknown> {
  const { kind: _kind, assignee: _assignee, ...detail } = event;
  if ('deadline' in detail) delete detail.deadline;
  return detail;
}
