import type { FastifyRequest } from 'fastify';
import { parseCookie, stringifySetCookie } from 'cookie';
import { z } from 'zod';
import { type SafeHtml, html } from '../activities/documents/html';

/**
 * Times as the reader reads them: in their time zone and language, which they choose once (kept in a cookie of this
 * browser); until then UTC, and the first language their browser asks for that dates can be written in.
 */

const PROFILE_COOKIE = 'officeflow_profile';

/** Every IANA zone this runtime knows; its list may leave out UTC, which is the default. */
export const TIME_ZONES = [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone')])];

/** Languages offered for dates and times; a reader's own, when it is another, is offered with them. */
export const LANGUAGES = ['en', 'en-GB', 'de', 'fr', 'es', 'it', 'nl', 'pl', 'pt', 'sv'];

/** The tag in its canonical form when dates can be written in it, else undefined (an unknown or malformed tag). */
const supported = (tag: string): string | undefined => {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf(tag)[0];
  } catch {
    return undefined;
  }
};

/** A reader's choice: a zone from the list, and a language tag dates can be written in (kept in its canonical form). */
export const Reader = z.object({
  timeZone: z.enum(TIME_ZONES, { error: 'choose a time zone from the list' }),
  language: z
    .string()
    .max(35)
    .transform(
      (tag, context) => supported(tag) ?? (context.addIssue({ code: 'custom', message: 'choose a language from the list' }), z.NEVER),
    ),
});
export type Reader = z.infer<typeof Reader>;

/** The first language of `Accept-Language`, by weight, that dates can be written in; English when there is none. */
export function browserLanguage(acceptLanguage = ''): string {
  const ranked = acceptLanguage
    .split(',')
    .map((range) => {
      const [tag, ...parameters] = range.trim().split(';');
      return { tag, weight: Number(/^\s*q=([\d.]+)/.exec(parameters.join(';'))?.[1] ?? 1) };
    })
    .filter(({ tag, weight }) => tag && tag !== '*' && weight > 0)
    .sort((a, b) => b.weight - a.weight);
  return ranked.map(({ tag }) => supported(tag)).find(Boolean) ?? 'en';
}

/**
 * The reader's choice from their cookie, or the defaults. The cookie is not signed: it only changes how this browser's
 * pages read, and one that does not parse counts as no choice.
 */
export function readerOf(request: FastifyRequest): Reader {
  const saved = Reader.safeParse(Object.fromEntries(new URLSearchParams(parseCookie(request.headers.cookie ?? '')[PROFILE_COOKIE] ?? '')));
  return saved.success ? saved.data : { timeZone: 'UTC', language: browserLanguage(request.headers['accept-language']) };
}

/** The Set-Cookie header that keeps the reader's choice for a year, for pages under `path`. */
export const readerCookie = (reader: Reader, path: string, secure: boolean): string =>
  stringifySetCookie({
    name: PROFILE_COOKIE,
    value: new URLSearchParams(reader).toString(),
    path,
    httpOnly: true,
    sameSite: 'strict',
    secure,
    maxAge: 365 * 24 * 3600,
  });

/** Writes moments for the reader: date and time in their language and zone, the zone's short name after them. */
export function timeWriter({ timeZone, language }: Reader): (moment: Date) => SafeHtml {
  // dateStyle and timeZoneName do not combine in one format: the zone's name comes from a second one.
  const dateTime = new Intl.DateTimeFormat(language, { timeZone, dateStyle: 'medium', timeStyle: 'short' });
  const zone = new Intl.DateTimeFormat(language, { timeZone, timeZoneName: 'short' });
  return (moment) => {
    const zoneName = zone.formatToParts(moment).find((part) => part.type === 'timeZoneName')?.value ?? timeZone;
    return html`<time datetime="${moment.toISOString()}">${dateTime.format(moment)} ${zoneName}</time>`;
  };
}

/** The calendar day (YYYY-MM-DD) a moment falls on in a zone. */
const dayIn = (timeZone: string) => {
  const format = new Intl.DateTimeFormat('en', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return (moment: Date) => {
    const { year, month, day } = Object.fromEntries(format.formatToParts(moment).map((part) => [part.type, part.value]));
    return `${year}-${month}-${day}`;
  };
};

/** A calendar day `days` after another. */
const plusDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export const DUE_WINDOWS = ['today', 'this-week'] as const;
export type DueWindow = (typeof DUE_WINDOWS)[number];

/** Whether a moment falls today, or in this week (Monday to Sunday, as ISO 8601 counts), on the calendar of the zone. */
export function within(window: DueWindow, timeZone: string, now = new Date()): (moment: Date) => boolean {
  const day = dayIn(timeZone);
  const today = day(now);
  if (window === 'today') return (moment) => day(moment) === today;
  const monday = plusDays(today, -((new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7));
  const sunday = plusDays(monday, 6);
  return (moment) => day(moment) >= monday && day(moment) <= sunday;
}
