import type { ContractApprovalSettings } from '../../contracts/contract';
import { money } from '../../contracts/money';
import contractApproval from '../../definitions/contract-approval';
import { approvalStages } from '../../workflows/contract-approval/routing';

const { rules } = contractApproval.settings as ContractApprovalSettings;
const route = (value: string, currency = 'EUR', nonStandardClauses: string[] = []) =>
  approvalStages({ value: money(value, currency), nonStandardClauses }, rules).map((stage) => stage.stage);

describe('the contract approval rule table', () => {
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
    const legal = approvalStages({ value: money('1000', 'EUR'), nonStandardClauses: ['unlimited liability'] }, rules).at(-1)!;
    expect(legal).toMatchObject({ approvers: ['legal.counsel@officeflow.example', 'cfo@officeflow.example'], passWhen: 'all' });
    expect(legal.because).toContain('unlimited liability');
  });

  it('never weighs a value in another currency against the thresholds: it goes through every value stage', () => {
    const stages = approvalStages({ value: money('100', 'CHF'), nonStandardClauses: [] }, rules);
    expect(stages.map((stage) => stage.stage)).toEqual(['sales', 'finance', 'legal']);
    expect(stages[1].because).toContain('CHF');
  });
});
