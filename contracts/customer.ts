import { z } from 'zod';
import { businessKey, countryCode, currencyCode, duration, email, label } from './fields';
import { Money, decimalAmount, inMinorUnits } from './money';

/** A customer account as the CRM knows it. */
export const CrmAccount = z.object({
  accountId: businessKey,
  companyName: label,
  country: countryCode,
  currency: currencyCode,
  billingEmail: email,
  contactName: label,
});
export type CrmAccount = z.infer<typeof CrmAccount>;

/** `crm.account.created`: a new account, and the sales rep who won it. */
export const AccountCreated = CrmAccount.extend({ salesRepEmail: email });

/** The credit a customer may buy on account, and who granted it. */
export const CreditDecision = z.object({ creditLimit: Money, approvedBy: label });
export type CreditDecision = z.infer<typeof CreditDecision>;

/** `finance.credit_limit.approved`, as Finance sends it: the limit as a decimal of its currency. */
export const CreditLimitApproved = z
  .object({ accountId: businessKey, creditLimit: decimalAmount, currency: currencyCode, approvedBy: label })
  .transform(({ creditLimit, currency, ...approval }, ctx) => ({
    ...approval,
    creditLimit: inMinorUnits(creditLimit, currency, ctx, ['creditLimit'], { positive: false }),
  }));

/** How an order weighs against the customer's credit, in words a credit controller reads. */
export const CreditCheck = z.object({ withinLimit: z.boolean(), assessment: z.string() });
export type CreditCheck = z.infer<typeof CreditCheck>;

export const CustomerOnboardingSettings = z.object({
  /** Finance's time to set a credit limit before the customer starts on prepayment terms. */
  creditReviewTimeout: duration,
});
export type CustomerOnboardingSettings = z.infer<typeof CustomerOnboardingSettings>;

export const CustomerOnboardingInput = z.object({ account: CrmAccount, salesRepEmail: email, settings: CustomerOnboardingSettings });
export type CustomerOnboardingInput = z.infer<typeof CustomerOnboardingInput>;

export const OnboardingResult = z.object({ customerNumber: z.string(), credit: CreditDecision, reviewedByFinance: z.boolean() });
export type OnboardingResult = z.infer<typeof OnboardingResult>;
