import { msToNumber } from '@temporalio/common/lib/time';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { alertChannels } from '../alerts/channels';
import { incidentWatcher } from '../alerts/watcher';
import type { Config } from '../config';
import type { OutgoingEmail } from '../contracts/documents';
import { stepExpectations, taskQueuesOf } from '../definitions';
import type { ProcessDefinition } from '../definitions/define';

/** The engine's alerts, where ALERT_EMAILS or ALERT_WEBHOOK_URLS name someone to tell; undefined otherwise. */
export function startAlerts(
  config: Config,
  parts: {
    client: Client;
    pool: Pool;
    registry: ProcessDefinition[];
    sendEmail?: (mail: OutgoingEmail) => Promise<unknown>;
    uiUrl?: string;
    log: Logger;
  },
) {
  const channels = alertChannels({ emails: config.ALERT_EMAILS, webhookUrls: config.ALERT_WEBHOOK_URLS, sendEmail: parts.sendEmail });
  if (channels.length === 0) return undefined;
  const { uiUrl } = parts;
  return incidentWatcher({
    ...parts,
    channels,
    scope: {
      taskQueues: taskQueuesOf(parts.registry),
      engine: config.TASK_QUEUE_SUFFIX,
      taskGraceMs: msToNumber(config.ALERT_TASK_GRACE),
      lookbackMs: msToNumber(config.ALERT_LOOKBACK),
      expectations: stepExpectations(parts.registry),
    },
    runLink: (workflowId) =>
      uiUrl ? `${uiUrl}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows/${encodeURIComponent(workflowId)}` : undefined,
    everyMs: msToNumber(config.ALERT_CHECK_EVERY),
    resolveAfterMs: msToNumber(config.ALERT_RESOLVE_AFTER),
  });
}
