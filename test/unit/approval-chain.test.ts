import { ApprovalStageRule } from '../../contracts/approval';
import { ContractApprovalInput, type ContractApprovalSettings } from '../../contracts/contract';
import { money } from '../../contracts/money';
import contractApproval from '../../definitions/contract-approval';
import { approvalStages, passesWhen } from '../../workflows/approval-chain';

const { rules } = contractApproval.settings as ContractApprovalSettings;
const facts = (value: string, currency = 'EUR', clauses: string[] = []) => ({
  amount: money(value, currency),
  flags: { nonStandardClauses: clauses.length ? `non-standard clauses: ${clauses.join(', ')}` : undefined },
});
const route = (...args: Parameters<typeof facts>) => approvalStages(rules, facts(...args)).map((stage) => stage.stage);

describe('an approval chain routed by the contract rule table', () => {
  it('sends every contract to the sales manager', () => {
    expect(route('10000')).toEqual(['sales']);
    expect(route('49999.99')).toEqual(['sales']);
  });

  it('adds finance from 50,000', () => {
    expect(route('50000')).toEqual(['sales', 'finance']);
    expect(route('249999.99')).toEqual(['sales', 'finance']);
  });

  it('adds legal and the CFO from 250,000, or for any non-standard clause, in parallel', () => {
    expect(route('250000')).toEqual(['sales', 'finance', 'legal']);
    expect(route('1000', 'EUR', ['unlimited liability'])).toEqual(['sales', 'legal']);
    const legal = approvalStages(rules, facts('1000', 'EUR', ['unlimited liability'])).at(-1)!;
    expect(legal).toMatchObject({ approvers: ['legal.counsel@officeflow.example', 'cfo@officeflow.example'], passWhen: 'all' });
    expect(legal.because).toContain('unlimited liability');
    expect(approvalStages(rules, facts('60000'))[1].because).toBe('€60,000.00 is at least €50,000.00');
  });

  it('refuses at the intake a contract whose value cannot be weighed against the thresholds, naming the field', () => {
    const { example } = contractApproval.triggers[0];
    const parsed = contractApproval.triggers[0].data.parse({ ...example.data, currency: 'CHF' });
    const checked = ContractApprovalInput.safeParse({ ...parsed, settings: contractApproval.settings });
    expect(checked.success).toBe(false);
    expect(checked.error!.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: ['currency'], message: expect.stringMatching(/^must be EUR: the finance stage/) }),
      ]),
    );
  });

  it('goes through a value stage rather than past it for a run that started before that check', () => {
    const stages = approvalStages(rules, facts('100', 'CHF'));
    expect(stages.map((stage) => stage.stage)).toEqual(['sales', 'finance', 'legal']);
    expect(stages[1].because).toContain('CHF');
  });

  it('passes a stage when all, any or M of N approve, and refuses a rule that needs more than it has', () => {
    const rule = { stage: 'board', waitingOn: 'Board', when: { always: true as const }, approvers: ['a@x.test', 'b@x.test', 'c@x.test'] };
    expect(passesWhen({ ...rule, passWhen: 'all' })).toBe('every approver approves');
    expect(passesWhen({ ...rule, passWhen: { atLeast: 2 } })).toBe('2 of 3 approve');
    expect(ApprovalStageRule.safeParse({ ...rule, passWhen: { atLeast: 4 } }).error?.issues[0]).toMatchObject({ path: ['passWhen'] });
  });
});
