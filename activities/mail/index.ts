import nodemailer from 'nodemailer';
import { z } from 'zod';
import { port } from '../../config/fields';
import { configured, defineSystem } from '../system';
import { mailActivities } from './outbox';

/** E-mail, sent through the company's SMTP relay; locally, a mail sink that keeps what it receives. */
export default defineSystem({
  name: 'mail',
  settings: z.object({
    /** `smtp://` or `smtps://user:password@host:port`; unset, the local mail sink runs. */
    SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
    MAIL_FROM: z.string().min(3).default('officeflow <officeflow@localhost>'),
    MAIL_SINK_SMTP_PORT: port(2525),
    MAIL_SINK_HTTP_PORT: port(8025),
  }),
  connect(settings, { pool, decisionLinks }) {
    const transport = nodemailer.createTransport(configured(settings, 'SMTP_URL'));
    return { activities: mailActivities(pool, transport, settings.MAIL_FROM, decisionLinks), close: () => transport.close() };
  },
  standIn: {
    needed: (settings) => !settings.SMTP_URL,
    async start(settings, { stateDir }) {
      const { startMailSink } = await import('./sink.js');
      const sink = await startMailSink(stateDir, settings.MAIL_SINK_SMTP_PORT, settings.MAIL_SINK_HTTP_PORT);
      return {
        settings: { SMTP_URL: sink.smtpUrl, MAIL_SINK_SMTP_PORT: String(sink.smtpPort), MAIL_SINK_HTTP_PORT: String(sink.httpPort) },
        shown: { label: 'Sent mail', value: `${sink.mailboxUrl}   (as .eml files in ${stateDir}/mail)` },
        stop: sink.stop,
      };
    },
  },
});

/** Where the local mail sink shows what it received (`GET`: JSON; `/:id.eml`: the raw message). */
export const mailboxUrl = (settings: { MAIL_SINK_HTTP_PORT: number }): string =>
  `http://127.0.0.1:${settings.MAIL_SINK_HTTP_PORT}/messages`;
