import { ApplicationFailure, CancellationScope, condition, isCancellation, patched } from '@temporalio/workflow';
import type { ApprovalFacts, ApprovalStageRule, PassWhen } from '../contracts/approval';
import type { Decision, TaskRequest } from '../contracts/human-tasks';
import { formatMoney } from '../contracts/money';
import { same } from './four-eyes';
import { type Ask, TASK_REFUSALS } from './human-tasks';
import type { RunProgress } from './progress';

/** A stage the run must pass, and why its rule applies. */
export interface ApprovalStage extends ApprovalStageRule {
  because: string;
}

/** How a chain ended: every stage approved, or the decision that ended it (a rejection, a change request). */
export type ApprovalOutcome =
  | { approved: true; stages: ApprovalStage[]; round: number }
  | { approved: false; stage: ApprovalStage; approver: string; decision: Decision; round: number };

/** Why a rule applies to the facts, or undefined when it does not. */
function reason({ when }: ApprovalStageRule, { amount, flags = {} }: ApprovalFacts): string | undefined {
  if (when.always) return 'every run goes through it';
  const threshold = when.amountAtLeast;
  // Runs are refused at the intake when their amount cannot be weighed (see thresholdsInCurrencyOf); one that started
  // before that check goes through the stage rather than past it.
  if (threshold && amount && threshold.currency !== amount.currency)
    return `an amount in ${amount.currency}, not weighed against ${threshold.currency}`;
  if (threshold && amount && amount.amount >= threshold.amount) return `${formatMoney(amount)} is at least ${formatMoney(threshold)}`;
  return when.flag ? flags[when.flag] : undefined;
}

/**
 * The stages a run goes through, in the table's order: every rule that applies to its facts, with the approvers the
 * run names added to the rule's own. A stage left without an approver fails the run (a definition whose input schema
 * does not require the person its rules name).
 */
export function approvalStages(rules: ApprovalStageRule[], facts: ApprovalFacts): ApprovalStage[] {
  return rules.flatMap((rule) => {
    const because = reason(rule, facts);
    if (!because) return [];
    const named = rule.approversFrom ? facts.people?.[rule.approversFrom] : undefined;
    const approvers = [...rule.approvers, ...(named === undefined ? [] : [named].flat())];
    if (approvers.length === 0)
      throw ApplicationFailure.nonRetryable(
        `the ${rule.stage} stage has no approver: the run names no ${rule.approversFrom}`,
        'NoApprover',
      );
    return [{ ...rule, approvers, because }];
  });
}

/** How many approvals a stage of `approvers` needs. */
const needed = (passWhen: PassWhen, approvers: number) => (passWhen === 'all' ? approvers : passWhen === 'any' ? 1 : passWhen.atLeast);

/** When a stage passes, in the words of a task's details. */
export const passesWhen = ({ passWhen, approvers }: ApprovalStageRule) =>
  passWhen === 'all'
    ? 'every approver approves'
    : passWhen === 'any'
      ? 'one approver approves'
      : `${passWhen.atLeast} of ${approvers.length} approve`;

export interface ApprovalChain {
  rules: ApprovalStageRule[];
  /** What the rules are weighed against; read again after each revision. */
  facts(): ApprovalFacts;
  /** The task an approver gets in a stage; the chain names it (`round-1:legal:2`). */
  task(stage: ApprovalStage, approver: string): Omit<TaskRequest, 'name'>;
  /** Heard at the start of each round, with its route. */
  routed?(stages: ApprovalStage[], round: number): Promise<void>;
  stagePassed?(stage: ApprovalStage): Promise<void>;
  /** Heard when four eyes changed who approves a stage as it opened: who was left out, who took their place, and why. */
  approversChanged?(stage: ApprovalStage, round: number, changes: ApproverChange[]): Promise<void>;
  /**
   * A change request: resolves once the revision is in (the facts may have changed), and the chain routes and runs
   * afresh. Without it, a change request ends the chain as a rejection does.
   */
  revise?(ended: Extract<ApprovalOutcome, { approved: false }>): Promise<void>;
}

/**
 * An approval chain: the stages its rule table routes the run to, one after another, each stage's approvers deciding
 * in parallel (step `approval:<stage>`, waiting on the stage's team). A stage passes when enough approve (all, any,
 * or M of N); a change request ends it at once, and so does a rejection once the stage can no longer pass; the tasks
 * still open are then withdrawn. The first stage that does not pass ends the chain, unless it asked for changes and
 * the process revises.
 */
export async function approvalChain(ask: Ask, progress: RunProgress, chain: ApprovalChain): Promise<ApprovalOutcome> {
  for (let round = 1; ; round++) {
    const stages = approvalStages(chain.rules, chain.facts());
    await chain.routed?.(stages, round);
    let ended: Extract<ApprovalOutcome, { approved: false }> | undefined;
    for (const routed of stages) {
      // Runs recorded before this opened a task for every approver the rules named, whoever they were.
      const stage = patched('four-eyes-at-routing') ? await seated(ask, chain, routed, round) : routed;
      progress.startStage(`approval:${stage.stage}`, stage.waitingOn);
      const outcome = await runStage(ask, stage, (approver, index) => ({
        name: `round-${round}:${stage.stage}:${index + 1}`,
        approval: { stage: stage.stage, round },
        ...chain.task(stage, approver),
      }));
      if (!outcome.passed) {
        ended = { approved: false, stage, approver: outcome.approver, decision: outcome.decision, round };
        break;
      }
      await chain.stagePassed?.(stage);
    }
    if (!ended) return { approved: true, stages, round };
    if (ended.decision.decision !== 'request-changes' || !chain.revise) return ended;
    await chain.revise(ended);
  }
}

/** An approver four eyes left out of a stage, and who took their place (their manager), if anyone did. */
export interface ApproverChange {
  approver: string;
  by?: string;
  because: string;
}

/**
 * The approvers of a stage as it opens, four eyes kept: a person named twice gets one task; one the run is about, or
 * who approved already in this round, gives their place to their manager (the task's `escalateTo`) where the manager
 * may take it and is not in the stage already, else is left out. A stage with too few to pass (M of N where fewer
 * than M are named) fails the run, saying why, for the process's rules to change.
 */
async function seated(ask: Ask, chain: ApprovalChain, stage: ApprovalStage, round: number): Promise<ApprovalStage> {
  const approval = { stage: stage.stage, round };
  const approvers: string[] = [];
  const changes: ApproverChange[] = [];
  const named = (person: string, among: string[]) => among.some((other) => same(other, person));
  for (const approver of stage.approvers) {
    if (named(approver, approvers)) {
      changes.push({ approver, because: `${approver} is named more than once in the stage: one task is theirs` });
      continue;
    }
    const because = ask.whyNotSeat(approval, approver);
    if (!because) {
      approvers.push(approver);
      continue;
    }
    const manager = chain.task(stage, approver).escalateTo;
    const by = manager && !named(manager, [...stage.approvers, ...approvers]) && !ask.whyNotSeat(approval, manager) ? manager : undefined;
    if (by) approvers.push(by);
    changes.push({ approver, ...(by ? { by } : {}), because });
  }
  const short = approvers.length === 0 || (typeof stage.passWhen === 'object' && approvers.length < stage.passWhen.atLeast);
  if (short)
    throw ApplicationFailure.nonRetryable(
      `the ${stage.stage} stage cannot pass with four eyes: ${
        changes.map(({ because }) => because).join('; ') || `it needs more approvers than the ${approvers.length} it names`
      }`,
      TASK_REFUSALS.fourEyes,
    );
  if (changes.length === 0) return stage;
  await chain.approversChanged?.(stage, round, changes);
  return { ...stage, approvers };
}

type StageOutcome = { passed: true } | { passed: false; approver: string; decision: Decision };

/** One stage: every approver gets a task at once; see `approvalChain` for when it passes or ends. */
async function runStage(ask: Ask, stage: ApprovalStage, task: (approver: string, index: number) => TaskRequest): Promise<StageOutcome> {
  const decided: Array<{ approver: string; decision: Decision }> = [];
  let failure: unknown;
  const scope = new CancellationScope();
  const tasks = stage.approvers.map(async (approver, index) => {
    try {
      const decision = await scope.run(() => ask(task(approver, index)));
      decided.push({ approver, decision });
    } catch (error) {
      if (!isCancellation(error)) failure ??= error;
    }
  });

  const approvalsNeeded = needed(stage.passWhen, stage.approvers.length);
  const count = (verdict: Decision['decision']) => decided.filter(({ decision }) => decision.decision === verdict).length;
  const passed = () => count('approve') >= approvalsNeeded;
  const ending = () =>
    decided.find(({ decision }) => decision.decision === 'request-changes') ??
    // Rejected once too few are left to approve.
    (count('reject') > stage.approvers.length - approvalsNeeded
      ? decided.find(({ decision }) => decision.decision === 'reject')
      : undefined);
  await condition(() => failure !== undefined || passed() || ending() !== undefined);
  scope.cancel();
  await Promise.all(tasks);
  if (failure) throw failure;
  return passed() ? { passed: true } : { passed: false, ...ending()! };
}
