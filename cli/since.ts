import { msToNumber } from '@temporalio/common/lib/time';
import { CommandRefused, EXIT } from './output';

/** `--since 2h` or a time: the moment it names. */
export function sinceOf(text: string, now = new Date()): Date {
  const asTime = new Date(text);
  if (/^\d{4}-/.test(text) && !Number.isNaN(asTime.getTime())) return asTime;
  try {
    return new Date(now.getTime() - msToNumber(text as `${number}h`));
  } catch {
    throw new CommandRefused(`--since must be a span (2h, 30m, 30d) or a time (2026-12-06T08:00:00Z), not "${text}"`, EXIT.usage);
  }
}
