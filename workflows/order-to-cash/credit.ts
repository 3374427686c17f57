import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { formatMoney } from '../../contracts/money';
import { orderTotal } from '../../contracts/order';
import { whoDecided } from '../human-tasks';
import { quickStep } from '../retry-profiles';
import { type Deal, DealEnded } from './deal';

const { registerCustomer, checkCredit } = proxyActivities<Activities>(quickStep);

/**
 * 1. Customer and credit: the customer is registered in the back office; an order that would take it over its
 * credit limit waits for Credit control, and a rejection blocks the deal. Returns the customer number.
 */
export async function checkCustomerCredit({ order, ask, tellCrm, email }: Deal): Promise<string> {
  const { customer, settings } = order;
  const { id, name, ...billing } = customer;
  const { customerNumber } = await registerCustomer({ accountId: id, companyName: name, ...billing });
  const total = orderTotal(order.lines, order.currency);
  const credit = await checkCredit({ customerNumber, orderTotal: total, defaultCreditLimit: settings.defaultCreditLimit });
  if (credit.withinLimit) return customerNumber;

  const decision = await ask({
    name: 'credit-approval',
    title: `Credit approval for ${customer.name}: order of ${formatMoney(total)}`,
    details: `Deal ${order.dealId} for ${customer.name} (${customerNumber}): ${credit.assessment}`,
    assignee: settings.creditApprover,
    waitingOn: 'Finance',
    deadline: settings.creditApprovalDeadline,
    reminder: settings.creditApprovalReminder,
    escalateTo: settings.financeManager,
    escalationWaitingOn: 'Finance manager',
  });
  if (decision.decision === 'approve') return customerNumber;

  const why = `Credit not approved by ${whoDecided(decision)}`;
  await tellCrm('blocked', why);
  await email('credit-rejected', order.salesRepEmail, `Deal ${order.dealId} is blocked: credit not approved`, `${why}.`);
  throw new DealEnded({ outcome: 'credit-rejected', reason: why });
}
