import { createHash } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import type { Pool } from 'pg';
import type { OutgoingEmail } from '../../contracts/documents';
import { inTransaction } from '../../db/transaction';
import { readDocuments } from '../documents/store';
import { whileBeating } from '../heartbeat';
import type { DecisionLinks } from '../../codec/decision-links';

/**
 * E-mail through an outbox: the message is recorded under its key, and the row stays locked while the SMTP
 * server takes it, so retries and concurrent attempts of the same step send it once. Its Message-ID is derived
 * from the key, so a receiver can still discard the copy a crash between hand-over and commit could cause.
 */
export function mailActivities(pool: Pool, transport: Transporter, from: string, links?: DecisionLinks) {
  return {
    async sendEmail(mail: OutgoingEmail): Promise<{ messageId: string; alreadySent: boolean }> {
      // The link is made here, not in the workflow: it lets its holder decide, and stays out of Temporal's history.
      const text =
        mail.decisionLink && links
          ? `${mail.text}\n\nOr decide in one click: ${await links.url(mail.decisionLink)}\n\nIn your task inbox: ${links.taskPage(mail.decisionLink.taskId)}`
          : mail.text;
      return whileBeating(() =>
        inTransaction(pool, async (db) => {
          await db.query(
            `INSERT INTO outbox_emails (email_key, recipient, subject, body_text, attachment_keys)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email_key) DO NOTHING`,
            [mail.emailKey, mail.to, mail.subject, text, mail.attachmentKeys],
          );
          const { rows } = await db.query(
            `SELECT recipient, subject, body_text, attachment_keys, status, message_id
             FROM outbox_emails WHERE email_key = $1 FOR UPDATE`,
            [mail.emailKey],
          );
          const queued = rows[0];
          if (queued.status === 'sent') return { messageId: queued.message_id, alreadySent: true };
          const attachments = await readDocuments(db, [...queued.attachment_keys].sort());
          if (attachments.length !== queued.attachment_keys.length) {
            throw new Error(`e-mail ${mail.emailKey} names attachments that do not exist: ${queued.attachment_keys.join(', ')}`);
          }
          const messageId = `<${createHash('sha256').update(mail.emailKey).digest('hex').slice(0, 32)}@officeflow>`;
          await transport.sendMail({
            from,
            to: queued.recipient,
            subject: queued.subject,
            text: queued.body_text,
            messageId,
            attachments: attachments.map(({ filename, contentType, content }) => ({ filename, contentType, content })),
          });
          await db.query(`UPDATE outbox_emails SET status = 'sent', message_id = $2, sent_at = now() WHERE email_key = $1`, [
            mail.emailKey,
            messageId,
          ]);
          return { messageId, alreadySent: false };
        }),
      );
    },
  };
}
