import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { condition, defineSignal, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { trackProgress } from './progress';

const { registerCustomer, setCreditLimit, printWelcomeLetter, sendEmail, markOnboarded } = proxyActivities<
  ReturnType<typeof createActivities>
>({ startToCloseTimeout: '1 minute', retry: { maximumAttempts: 10 } });

export interface CrmAccount {
  accountId: string;
  companyName: string;
  country: string;
  currency: string;
  billingEmail: string;
  contactName: string;
}

export interface CustomerOnboardingInput {
  account: CrmAccount;
  salesRepEmail: string;
  /** How long Finance has to set a credit limit before the customer starts on prepayment terms. */
  creditReviewTimeout: Duration;
}

export interface CreditDecision {
  creditLimit: number;
  currency: string;
  approvedBy: string;
}

export interface OnboardingResult {
  customerNumber: string;
  credit: CreditDecision;
  reviewedByFinance: boolean;
}

/** Finance (back office) has approved a credit limit for the new customer. */
export const creditLimitApproved = defineSignal<[CreditDecision]>('creditLimitApproved');

/**
 * Customer onboarding: a customer won in the CRM becomes a back-office customer with a credit limit,
 * and receives a welcome letter; the sales rep hears when it is done.
 */
export async function customerOnboarding(input: CustomerOnboardingInput): Promise<OnboardingResult> {
  const { account } = input;
  const runKey = workflowInfo().workflowId;
  const enterStep = trackProgress('register-customer');
  let decision: CreditDecision | undefined;
  // The first decision counts; a redelivered approval changes nothing.
  setHandler(creditLimitApproved, (approved) => void (decision ??= approved));

  const { customerNumber } = await registerCustomer(account);

  const reviewDeadline = new Date(Date.now() + msToNumber(input.creditReviewTimeout));
  enterStep('credit-review', { on: 'Finance', until: reviewDeadline });
  const reviewedByFinance = await condition(() => decision !== undefined, input.creditReviewTimeout);
  // Without a decision in time the customer starts on prepayment: no credit.
  const credit = decision ?? { creditLimit: 0, currency: account.currency, approvedBy: 'prepayment policy' };
  await setCreditLimit({ customerNumber, ...credit });

  enterStep('welcome-pack');
  const letter = await printWelcomeLetter({ documentKey: `${runKey}/welcome-letter`, customerNumber, account, credit });
  await sendEmail({
    emailKey: `${runKey}/welcome-letter`,
    to: account.billingEmail,
    subject: `Welcome to our company, ${account.companyName}`,
    text: `Dear ${account.contactName},\n\nyour customer number is ${customerNumber}. Your welcome letter with your account terms is attached.`,
    attachmentKeys: [letter.documentKey],
  });
  await sendEmail({
    emailKey: `${runKey}/sales-rep-notice`,
    to: input.salesRepEmail,
    subject: `${account.companyName} is onboarded as ${customerNumber}`,
    text: `The back office has set up ${account.companyName} (CRM account ${account.accountId}) as customer ${customerNumber} with a credit limit of ${credit.creditLimit} ${credit.currency}.`,
    attachmentKeys: [],
  });
  await markOnboarded(customerNumber);

  enterStep('onboarded');
  return { customerNumber, credit, reviewedByFinance };
}
