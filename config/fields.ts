import { z } from 'zod';

/** Types of environment variables, shared by the engine's settings and each connected system's. */

/** A TCP port for a server officeflow starts locally; 0 takes any free port. */
export const port = (defaultPort: number) => z.coerce.number().int().min(0).max(65535).default(defaultPort);

export const httpUrl = z.url({ protocol: /^https?$/ });

/** A comma-separated list, each entry trimmed, empty ones dropped. */
export const commaList = z
  .string()
  .optional()
  .transform((list) =>
    (list ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  );

/** Comma-separated e-mail addresses, compared in lower case. */
export const emailList = commaList
  .transform((entries) => entries.map((entry) => entry.toLowerCase()))
  .pipe(z.array(z.email('must be comma-separated e-mail addresses')));

/** Comma-separated `key=value` pairs, e.g. `contract-approval=ann@example.com,contract-approval=bo@example.com`. */
export const pairList = <V extends string>(value: z.ZodType<V, string>, example: string) =>
  commaList
    .transform((entries) => entries.map((entry) => entry.split('=').map((part) => part.trim())))
    .pipe(z.array(z.tuple([z.string().min(1), value], { error: `must be comma-separated key=value pairs, e.g. ${example}` })));

/**
 * What a vendor's values mean in officeflow's events: comma-separated `value=event type` pairs (a deal stage's id, a
 * status), or `defaults` when unset, e.g. `closedwon=crm.deal.won,closedlost=crm.deal.cancelled`.
 */
export const eventMapping = (defaults: Array<[string, string]>) =>
  pairList(z.string().regex(/^[a-z][a-z0-9_.]*$/, 'must be an event type'), defaults.map((pair) => pair.join('=')).join(',')).transform(
    (pairs) => (pairs.length > 0 ? pairs : defaults),
  );
