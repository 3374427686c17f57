import { z } from 'zod';
import { email, label } from './fields';
import { Money } from './money';

/** When a stage passes: every approver approves, any one does, or at least so many of them. */
export const PassWhen = z.union([z.enum(['all', 'any']), z.object({ atLeast: z.number().int().min(1) })]);
export type PassWhen = z.infer<typeof PassWhen>;

/**
 * A row of an approval chain's rule table: a stage, when it applies (any of its conditions), who approves in it and
 * when it passes. Stages run in the table's order; the first rejection ends the chain.
 */
export const ApprovalStageRule = z
  .object({
    stage: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a kebab-case name such as "legal"'),
    /** Who the run waits on during the stage, for operators: a team. */
    waitingOn: label,
    when: z.object({
      always: z.literal(true).optional(),
      /** The run's amount is at least this; the intake refuses a run whose amount is in another currency. */
      amountAtLeast: Money.optional(),
      /** A fact of the run holds, by the name the process gives it (`nonStandardClauses`). */
      flag: z.string().min(1).optional(),
    }),
    /** The stage's approvers by name; and/or */
    approvers: z.array(email),
    /** …the people the run itself names under this key (`manager`: the requester's manager), see `ApprovalFacts`. */
    approversFrom: z.string().min(1).optional(),
    passWhen: PassWhen,
  })
  .refine((rule) => rule.approvers.length > 0 || rule.approversFrom !== undefined, {
    message: 'needs approvers, or approversFrom',
    path: ['approvers'],
  })
  .refine((rule) => typeof rule.passWhen === 'string' || rule.approversFrom || rule.passWhen.atLeast <= rule.approvers.length, {
    message: 'cannot need more approvals than the stage has approvers',
    path: ['passWhen'],
  });
export type ApprovalStageRule = z.infer<typeof ApprovalStageRule>;

/**
 * What the rules are weighed against: the run's amount, its flags with why each holds (undefined: it does not), and
 * the people it names for rules' `approversFrom` (`{ manager: 'lee@example.com' }`).
 */
export interface ApprovalFacts {
  amount?: Money;
  flags?: Record<string, string | undefined>;
  people?: Record<string, string | string[]>;
}

/**
 * For an input schema's `superRefine`: an issue at `path` for each threshold in another currency than the run's
 * amount, so such a run is refused at the intake instead of being weighed wrongly inside the workflow.
 */
export function thresholdsInCurrencyOf(rules: ApprovalStageRule[], amount: Money, ctx: z.core.$RefinementCtx, path: PropertyKey[]): void {
  for (const rule of rules) {
    const threshold = rule.when.amountAtLeast;
    if (threshold && threshold.currency !== amount.currency)
      ctx.addIssue({
        code: 'custom',
        path,
        message: `must be ${threshold.currency}: the ${rule.stage} stage's threshold is in ${threshold.currency}, and amounts in ${amount.currency} cannot be weighed against it`,
      });
  }
}
