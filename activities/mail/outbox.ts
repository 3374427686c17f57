import { createHash } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import type { Pool } from 'pg';
import type { OutgoingEmail } from '../../contracts/documents';
import { inTransaction } from '../../db/transaction';
import { readDocuments } from '../documents/store';
import { pause, whileBeating } from '../heartbeat';
import type { DecisionLinks } from '../../codec/decision-links';

/**
 * E-mail through an outbox: the message is recorded under its key, and the row stays locked while the SMTP
 * server takes it, so retries and concurrent attempts of the same step send it once, and a database that goes away
 * after the hand-over does not make the retry send it again. Its Message-ID is derived from the key, so a receiver can
 * still discard the copy a worker killed between hand-over and commit could cause.
 */
export function mailActivities(pool: Pool, transport: Transporter, from: string, links?: DecisionLinks) {
  return {
    async sendEmail(mail: OutgoingEmail): Promise<{ messageId: string; alreadySent: boolean }> {
      // The link is made here, not in the workflow: it lets its holder decide, and stays out of Temporal's history.
      const text =
        mail.decisionLink && links
          ? `${mail.text}\n\nOr decide in one click: ${await links.url(mail.decisionLink)}\n\nIn your task inbox: ${links.taskPage(mail.decisionLink.taskId)}`
          : mail.text;
      return whileBeating(async () => {
        let handedOver: { queued: QueuedEmail; messageId: string } | undefined;
        try {
          return await inTransaction(pool, async (db) => {
            await db.query(
              `INSERT INTO outbox_emails (email_key, recipient, subject, body_text, attachment_keys)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email_key) DO NOTHING`,
              [mail.emailKey, mail.to, mail.subject, text, mail.attachmentKeys],
            );
            const { rows } = await db.query<QueuedEmail>(
              `SELECT recipient, subject, body_text, attachment_keys, status, message_id
             FROM outbox_emails WHERE email_key = $1 FOR UPDATE`,
              [mail.emailKey],
            );
            const queued = rows[0];
            if (queued.status === 'sent') return { messageId: queued.message_id!, alreadySent: true };
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
            handedOver = { queued, messageId };
            await db.query(`UPDATE outbox_emails SET status = 'sent', message_id = $2, sent_at = now() WHERE email_key = $1`, [
              mail.emailKey,
              messageId,
            ]);
            return { messageId, alreadySent: false };
          });
        } catch (error) {
          if (!handedOver) throw error;
          await markSentOnceTheDatabaseAnswers(pool, mail.emailKey, handedOver.queued, handedOver.messageId);
          return { messageId: handedOver.messageId, alreadySent: false };
        }
      });
    },
  };
}

interface QueuedEmail {
  recipient: string;
  subject: string;
  body_text: string;
  attachment_keys: string[];
  status: 'pending' | 'sent';
  message_id: string | null;
}

/**
 * The SMTP server took the message but its transaction was lost (the database restarted, the connection dropped):
 * marks it sent on a fresh connection as soon as the database answers again, or a retry would find it unsent and send
 * it twice. Tries until the attempt itself is cancelled (it heartbeats meanwhile); outside an activity, until it is
 * marked. What is left is a worker killed in the instant between hand-over and commit, SMTP's own duplicate window
 * (RFC 1047): its Message-ID lets a receiver tell.
 */
async function markSentOnceTheDatabaseAnswers(pool: Pool, emailKey: string, queued: QueuedEmail, messageId: string): Promise<void> {
  for (;;) {
    try {
      await pool.query(
        `INSERT INTO outbox_emails (email_key, recipient, subject, body_text, attachment_keys, status, message_id, sent_at)
         VALUES ($1, $2, $3, $4, $5, 'sent', $6, now())
         ON CONFLICT (email_key) DO UPDATE SET status = 'sent', message_id = $6, sent_at = now()`,
        [emailKey, queued.recipient, queued.subject, queued.body_text, queued.attachment_keys, messageId],
      );
      return;
    } catch {
      await pause(500);
    }
  }
}
