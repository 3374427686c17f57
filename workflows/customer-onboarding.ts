import { msToNumber } from '@temporalio/common/lib/time';
import { condition, defineSignal, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { CreditDecision, CustomerOnboardingInput, CustomerOnboardingSettings, OnboardingResult } from '../contracts/customer';
import { formatMoney, moneyFrom, zero } from '../contracts/money';
import { trackProgress } from './progress';
import { emailOnce } from './email';
import { printing, quickStep } from './retry-profiles';

const { registerCustomer, setCreditLimit, markOnboarded } = proxyActivities<Activities>(quickStep);
const { printWelcomeLetter } = proxyActivities<Activities>(printing);

/** Finance (back office) has approved a credit limit for the new customer. */
export const creditLimitApproved = defineSignal<[CreditDecision]>('creditLimitApproved');

/**
 * Customer onboarding: a customer won in the CRM becomes a back-office customer with a credit limit,
 * and receives a welcome letter; the sales rep hears when it is done.
 */
export async function customerOnboarding(input: CustomerOnboardingInput): Promise<OnboardingResult> {
  const { account } = input;
  // Runs started before settings had a field of their own carry them at the top of their input.
  const { creditReviewTimeout } = input.settings ?? (input as unknown as CustomerOnboardingSettings);
  const runKey = workflowInfo().workflowId;
  const { enterStep } = trackProgress('register-customer');
  let decision: CreditDecision | undefined;
  // The first decision counts; a redelivered approval changes nothing.
  setHandler(creditLimitApproved, (approved) => void (decision ??= approved));

  const { customerNumber } = await registerCustomer(account);

  const reviewDeadline = new Date(Date.now() + msToNumber(creditReviewTimeout));
  enterStep('credit-review', { on: 'Finance', until: reviewDeadline });
  const reviewedByFinance = await condition(() => decision !== undefined, creditReviewTimeout);
  // Without a decision in time the customer starts on prepayment: no credit.
  const credit: CreditDecision = decision
    ? { ...decision, creditLimit: moneyFrom(decision.creditLimit, account.currency) }
    : { creditLimit: zero(account.currency), approvedBy: 'prepayment policy' };
  await setCreditLimit({ customerNumber, ...credit });

  enterStep('welcome-pack');
  const letter = await printWelcomeLetter({ documentKey: `${runKey}/welcome-letter`, customerNumber, account, credit });
  await emailOnce(
    'welcome-letter',
    account.billingEmail,
    `Welcome to our company, ${account.companyName}`,
    `Dear ${account.contactName},\n\nyour customer number is ${customerNumber}. Your welcome letter with your terms is attached.`,
    [letter.documentKey],
  );
  await emailOnce(
    'sales-rep-notice',
    input.salesRepEmail,
    `${account.companyName} is onboarded as ${customerNumber}`,
    `The back office has set up ${account.companyName} (CRM account ${account.accountId}) as customer ${customerNumber} ` +
      `with a credit limit of ${formatMoney(credit.creditLimit)}.`,
  );
  await markOnboarded(customerNumber);

  enterStep('onboarded');
  return { customerNumber, credit, reviewedByFinance };
}
