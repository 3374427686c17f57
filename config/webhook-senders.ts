import { z } from 'zod';

/** Event types or sources a sender may send: each exact, or ending in `*` for every one that starts so (`crm.*`, `*`). */
const scope = z.array(z.string().min(1).max(255)).min(1);

/** One system that sends events, with its own secrets and the events it may send. */
export const WebhookSender = z.object({
  /** Its active Standard Webhooks secrets: it may move to a new one while the old still works. */
  secrets: z.array(z.string().startsWith('whsec_', 'must be a Standard Webhooks secret (whsec_…)')).min(1),
  /** The event types it may send, e.g. `["logistics.shipment.delivered"]`. */
  events: scope,
  /** The CloudEvents sources it may send them from, e.g. `["/logistics/carrier"]`. */
  sources: scope,
  /**
   * Whether it may send binary-mode CloudEvents, whose attributes travel in `ce-*` headers outside the Standard
   * Webhooks signature (which covers id, timestamp and body): only for a sender that cannot send structured mode.
   */
  binaryMode: z.boolean().default(false),
});

/** The sender WEBHOOK_SECRETS names: one with every scope, as before senders had scopes of their own. */
export const UNSCOPED = 'default';

/** `WEBHOOK_SENDERS`: a JSON object of senders by name, e.g. `{"carrier": {"secrets": […], "events": […], "sources": […]}}`. */
export const webhookSenders = z
  .string()
  .optional()
  .transform((json, ctx) => {
    if (!json) return {};
    try {
      return JSON.parse(json) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of senders by name' });
      return z.NEVER;
    }
  })
  .pipe(
    z.record(z.string(), WebhookSender).superRefine((senders, ctx) => {
      for (const name of Object.keys(senders)) {
        // A record's own key check would only say "Invalid key in record".
        if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(name))
          ctx.addIssue({ code: 'custom', path: [name], message: 'a sender is named in lower-case letters, digits and dashes' });
        // Its events would be kept, and so deduplicated, with the unscoped sender's.
        if (name === UNSCOPED)
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: `"${UNSCOPED}" is the sender WEBHOOK_SECRETS names: give this one its own name`,
          });
      }
    }),
  );
