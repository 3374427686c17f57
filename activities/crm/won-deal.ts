import { ApplicationFailure } from '@temporalio/common';
import { DEAL_INCOMPLETE, DealClosedWon, type WonDeal } from '../../contracts/order';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
const codeByName = new Map(
  Array.from({ length: 26 * 26 }, (_, i) => String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26)))
    .map((code) => [regionNames.of(code)?.toLowerCase(), code] as const)
    .filter(([name, code]) => name && name.toLowerCase() !== code.toLowerCase()),
);

/** A CRM's country is often free text: a two-letter code as it is, a country's English name as its code. */
export const countryCodeOf = (value: string | null | undefined) =>
  !value
    ? undefined
    : /^[a-z]{2}$/i.test(value.trim())
      ? value.trim().toUpperCase()
      : (codeByName.get(value.trim().toLowerCase()) ?? value);

/** A number a CRM keeps as text (`"2"`, `"50.00"`), or undefined where it keeps none. */
export const decimal = (value: string | number | null | undefined) =>
  value === null || value === undefined || value === '' ? undefined : Number(value);

/**
 * What a CRM holds about a won deal, as officeflow's won deal (`crm.deal.closed_won`'s data, checked the same way):
 * what does not fit fails for good as `DealIncomplete`, naming each field, for the run to tell Sales.
 */
export function asWonDeal(crm: string, dealId: string, data: Record<string, unknown>, { won }: { won: boolean }): WonDeal {
  const parsed = DealClosedWon.safeParse(data);
  // A webhook is no proof: the deal itself must be won (a forged or outdated event names one that is not).
  if (parsed.success && won) return parsed.data;
  const missing = [
    ...(won ? [] : [`deal: not won in ${crm}`]),
    ...(parsed.success ? [] : parsed.error.issues).map(
      (issue) => `${issue.path.join('.') || 'deal'}: ${/received undefined/.test(issue.message) ? 'missing' : issue.message}`,
    ),
  ];
  throw ApplicationFailure.nonRetryable(`${crm} deal ${dealId}: ${missing.join('; ')}`, DEAL_INCOMPLETE, { fields: missing });
}
