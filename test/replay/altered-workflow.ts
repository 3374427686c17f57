import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { CustomerOnboardingInput } from '../../contracts/customer';

const { registerCustomer, sendEmail } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute' });

/**
 * Customer onboarding as a careless change would leave it: the sales rep is e-mailed before the customer is
 * registered. Its command sequence differs from every recorded run, so replaying them must fail.
 */
export async function customerOnboarding(input: CustomerOnboardingInput): Promise<void> {
  await sendEmail({ emailKey: 'notice', to: input.salesRepEmail, subject: 'Onboarding started', text: '', attachmentKeys: [] });
  await registerCustomer(input.account);
}
