import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { mail } from './retry-profiles';

const { sendEmail } = proxyActivities<Activities>(mail);

/**
 * Sends an e-mail once per run and `kind` (`welcome-letter`, `changes-requested-2`), however often the step runs: a
 * retried activity, a replayed history or a restarted worker sends nothing twice. Attachments are documents by key.
 */
export const emailOnce = (kind: string, to: string, subject: string, text: string, attachmentKeys: string[] = []) =>
  sendEmail({ emailKey: `${workflowInfo().workflowId}/${kind}`, to, subject, text, attachmentKeys });
