import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { z } from 'zod';

/** Field types every business shape is built from. */

/** An identifier from a front-office system; it becomes part of a workflow id. */
export const businessKey = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'must be 1-100 letters, digits, dots, dashes, colons or underscores');

export const countryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as "DE"');

export const currencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code such as "EUR"')
  .refine((code) => Intl.supportedValuesOf('currency').includes(code), 'is not an ISO 4217 currency');

export const email = z.email('must be an e-mail address');

/** Text as a person writes it, which PostgreSQL can store: anything but NUL bytes. */
export const plainText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((text) => !text.includes('\0'), 'must not contain NUL bytes');

/**
 * A name or title a person reads: one line, so a field sent from outside (a CRM's customer name) cannot add lines of
 * its own to a task e-mail above its real link.
 */
export const label = plainText(200)
  .min(1)
  .refine((text) => !/\p{Cc}|[\u2028\u2029]/u.test(text), 'must be one line: no line breaks or control characters');

/** A Temporal duration: `"2 days"`, `"30s"`. Process settings use them for deadlines and reminders. */
export const duration = z.custom<Duration>((value) => {
  try {
    return msToNumber(value as Duration) > 0;
  } catch {
    return false;
  }
}, 'must be a positive duration such as "2 days" or "30s"');
