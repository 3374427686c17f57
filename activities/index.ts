import type { Transporter } from 'nodemailer';
import type { Pool } from 'pg';
import type { BrowserPool } from '../infra/browser';
import { customerActivities } from './back-office/customers';
import { welcomeLetterActivities } from './documents/welcome-letter';
import { mailActivities } from './mail/outbox';

/** The clients activities reach the office systems through; one set per worker process. */
export interface ActivityDeps {
  pool: Pool;
  mail: { transport: Transporter; from: string };
  browser: BrowserPool;
}

/** Every activity, grouped by the office system it touches. Workflows type their proxies with this. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...customerActivities(deps.pool),
    ...welcomeLetterActivities(deps.pool, deps.browser),
    ...mailActivities(deps.pool, deps.mail.transport, deps.mail.from),
  };
}
