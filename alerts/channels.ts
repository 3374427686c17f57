import type { OutgoingEmail } from '../contracts/documents';
import type { Incident } from './incidents';

/**
 * Where incidents are told: each address in ALERT_EMAILS through the outbox (each message once, by its key), and each
 * incoming webhook in ALERT_WEBHOOK_URLS as `{"text": …}`, the message format Slack's and Microsoft Teams' incoming
 * webhooks both take (https://api.slack.com/messaging/webhooks, "Sending messages using incoming webhooks";
 * https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook).
 */

export type IncidentState = 'opened' | 'resolved';

/** An incident as it is told: what it is, since when, and where to look and what repairs it. */
export interface ToldIncident extends Incident {
  incidentId: string;
  openedAt: Date;
  resolvedAt?: Date;
}

export interface Channel {
  /** `email:<address>` or `webhook:<n>`: kept with each incident as told (never the webhook's URL, a secret). */
  name: string;
  tell(incident: ToldIncident, state: IncidentState, text: string, subject: string): Promise<void>;
}

/** The message: the incident, the link to its run in the Temporal UI, and the command that repairs it. */
export function incidentMessage(incident: ToldIncident, state: IncidentState, runLink: (workflowId: string) => string | undefined) {
  const link = incident.workflowId && runLink(incident.workflowId);
  const subject = state === 'opened' ? `officeflow: ${incident.title}` : `officeflow resolved: ${incident.title}`;
  const lines =
    state === 'opened'
      ? [
          `${incident.title} (since ${incident.openedAt.toISOString()}).`,
          ...(link ? [`See it in the Temporal UI: ${link}`] : []),
          `To repair it: ${incident.repair}`,
        ]
      : [`Resolved: ${incident.title} (from ${incident.openedAt.toISOString()} to ${incident.resolvedAt?.toISOString()}).`];
  return { subject, text: lines.join('\n') };
}

const WEBHOOK_TIMEOUT_MS = 10_000;

export function alertChannels(options: {
  emails: string[];
  webhookUrls: string[];
  sendEmail?: (mail: OutgoingEmail) => Promise<unknown>;
}): Channel[] {
  const { sendEmail } = options;
  const emails: Channel[] = sendEmail
    ? options.emails.map((to) => ({
        name: `email:${to}`,
        async tell(incident, state, text, subject) {
          await sendEmail({ emailKey: `incident/${incident.incidentId}/${state}/${to}`, to, subject, text, attachmentKeys: [] });
        },
      }))
    : [];
  const webhooks: Channel[] = options.webhookUrls.map((url, n) => ({
    name: `webhook:${n}`,
    async tell(_incident, _state, text) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      // The URL is a secret: the error names the channel only.
      if (!response.ok) throw new Error(`alert webhook ${n} answered ${response.status}`);
    },
  }));
  return [...emails, ...webhooks];
}
