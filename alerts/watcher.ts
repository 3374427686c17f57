import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { whileHoldingLock } from '../db/session-lock';
import { repeatEvery } from '../infra/repeat';
import { type Channel, type IncidentState, type ToldIncident, incidentMessage } from './channels';
import { type IncidentScope, incidentsNow } from './incidents';

/**
 * The engine's alerts: every so often it looks for incidents (incidents.ts), keeps each in `incidents` while it lasts,
 * and tells every channel once when it opens and once when it is resolved. Trouble seen again while its incident is
 * open (a retried run failing again) is the same incident; an incident is resolved once its trouble has not been seen
 * for `resolveAfterMs`, so one that flaps is told once, not each time. One intake looks at a time.
 */
export function incidentWatcher(options: {
  client: Client;
  pool: Pool;
  scope: IncidentScope;
  channels: Channel[];
  runLink: (workflowId: string) => string | undefined;
  everyMs: number;
  resolveAfterMs: number;
  log: Logger;
}) {
  const { client, pool, scope, channels, runLink, log } = options;

  const look = () =>
    whileHoldingLock(pool, `incidents:${scope.engine}`, async () => {
      const found = await incidentsNow(client, pool, scope);
      await pool.query(
        `INSERT INTO incidents (engine, incident_key, kind, title, workflow_id, repair, channels)
         SELECT $1, key, kind, title, "workflowId", repair, $3 FROM jsonb_to_recordset($2)
             AS found(key text, kind text, title text, "workflowId" text, repair text)
         ON CONFLICT (engine, incident_key) WHERE resolved_at IS NULL DO UPDATE SET last_seen_at = now()`,
        [scope.engine, JSON.stringify(found), channels.map((channel) => channel.name)],
      );
      await pool.query(
        `UPDATE incidents SET resolved_at = now()
          WHERE engine = $1 AND resolved_at IS NULL AND last_seen_at < now() - make_interval(secs => $2)`,
        [scope.engine, options.resolveAfterMs / 1000],
      );
      await tellAll();
    });

  /** Tells each channel what it has not been told yet: an opening, a resolution. A channel that fails is told next time. */
  async function tellAll(): Promise<void> {
    const { rows } = await pool.query<ToldIncident & { channels: string[]; told: string[] }>(
      `SELECT incident_id::text AS "incidentId", incident_key AS key, kind, title, workflow_id AS "workflowId", repair,
              opened_at AS "openedAt", resolved_at AS "resolvedAt", channels, told
         FROM incidents
        WHERE engine = $1
          AND (NOT told @> array(SELECT 'opened:' || c FROM unnest(channels) c)
               OR resolved_at IS NOT NULL AND NOT told @> array(SELECT 'resolved:' || c FROM unnest(channels) c))
        ORDER BY incident_id LIMIT 200`,
      [scope.engine],
    );
    for (const incident of rows) {
      const states: IncidentState[] = incident.resolvedAt ? ['opened', 'resolved'] : ['opened'];
      for (const state of states) {
        const { subject, text } = incidentMessage(incident, state, runLink);
        for (const name of incident.channels) {
          const mark = `${state}:${name}`;
          if (incident.told.includes(mark)) continue;
          const channel = channels.find((configured) => configured.name === name);
          try {
            // A channel no longer configured is not told; it is marked, so it is not looked for again.
            if (channel) await channel.tell(incident, state, text, subject);
            await pool.query(`UPDATE incidents SET told = array_append(told, $2) WHERE incident_id = $1`, [incident.incidentId, mark]);
          } catch (error) {
            log.warn({ err: error, incident: incident.key, channel: name }, 'an incident was not told; telling it again next time');
          }
        }
      }
    }
  }

  const chore = repeatEvery(
    options.everyMs,
    async () => void (await look()),
    (error) => log.warn({ err: error }, 'incidents were not looked for; looking again'),
  );
  return { stop: chore.stop };
}
