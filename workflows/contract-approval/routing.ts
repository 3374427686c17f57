import type { ApprovalRule, Contract } from '../../contracts/contract';

/** A stage a contract must pass, and the rule that put it on the route. */
export interface ApprovalStage extends ApprovalRule {
  because: string;
}

/** Why a rule applies to a contract, or undefined when it does not. */
function reason({ when }: ApprovalRule, contract: Pick<Contract, 'value' | 'nonStandardClauses'>): string | undefined {
  if (when.always) return 'every contract';
  if (when.valueAtLeast) {
    if (when.valueAtLeast.currency !== contract.value.currency)
      return `a value in ${contract.value.currency}, not weighed against ${when.valueAtLeast.currency}`;
    if (contract.value.amount >= when.valueAtLeast.amount) return 'its value';
  }
  if (when.nonStandardClauses && contract.nonStandardClauses.length > 0)
    return `non-standard clauses: ${contract.nonStandardClauses.join(', ')}`;
  return undefined;
}

/** The stages a contract goes through, in the table's order: every rule that applies to its data. */
export function approvalStages(contract: Pick<Contract, 'value' | 'nonStandardClauses'>, rules: ApprovalRule[]): ApprovalStage[] {
  return rules.flatMap((rule) => {
    const because = reason(rule, contract);
    return because ? [{ ...rule, because }] : [];
  });
}
