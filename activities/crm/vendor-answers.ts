import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';

/**
 * What every vendor's CRM connector shares: how a vendor's refusal becomes a Temporal failure, and the mark that makes
 * a note once however often its step runs.
 */

/** A mark in a note that names what wrote it, so a retried step finds its note instead of adding a second. */
export const noteMark = (key: string) => `officeflow:${createHash('sha256').update(key).digest('hex').slice(0, 20)}`;

/** A vendor's refusal as its API answered it. */
export interface VendorRefusal {
  /** Whether it passes (a rate limit, an outage: 429 or 5xx), or will not mend itself (any other 4xx). */
  passing: boolean;
  /** The vendor's own words: its status or code, its message, and the fields it names. */
  message: string;
  /** Seconds the vendor asked to wait (`Retry-After`), where it said. */
  retryAfterSeconds?: number;
}

/** Whether an HTTP status passes: a rate limit or a server's trouble. */
export const passes = (status: number) => status === 429 || status >= 500;

/**
 * A vendor's answer as a failure: one that passes is tried again after the time the vendor asked for (else Temporal's
 * backoff), any other fails for good, quoting the vendor.
 */
export function vendorFailure(vendor: string, what: string, { passing, message, retryAfterSeconds }: VendorRefusal): ApplicationFailure {
  const said = `${vendor} refused ${what}: ${message}`.trim();
  if (passing)
    return ApplicationFailure.create({
      message: said,
      type: 'CrmUnavailable',
      ...(retryAfterSeconds && retryAfterSeconds > 0 ? { nextRetryDelay: retryAfterSeconds * 1000 } : {}),
    });
  return ApplicationFailure.nonRetryable(said, 'CrmRefused');
}
