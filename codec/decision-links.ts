import { createHash, hkdfSync, randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

/** What a one-click link lets its holder do: decide one task, as one person, until it expires. */
export interface DecisionLink {
  taskId: string;
  assignee: string;
  /** Until when the link works; at most 30 days. */
  expiresAt?: string;
}

const AUDIENCE = 'officeflow-decision-link';
const LONGEST = 30 * 24 * 3600_000;

/**
 * The key that signs links of one kind (`purpose`), derived from the payload-encryption key every worker and intake
 * shares, so no further secret is needed; rotating that key retires the links sent before.
 */
export const linkKey = (encryptionKeys: string, purpose: string): Buffer =>
  Buffer.from(hkdfSync('sha256', Buffer.from(encryptionKeys.split(',')[0].trim(), 'base64'), '', `officeflow ${purpose}`, 32));

/** Signs and reads the links in task e-mails. */
export function decisionLinks(encryptionKeys: string, publicUrl: string) {
  const key = linkKey(encryptionKeys, 'decision links');
  return {
    /** The URL of the confirmation page for a task and its person. */
    async url({ taskId, assignee, expiresAt }: DecisionLink): Promise<string> {
      const until = Math.min(expiresAt ? Date.parse(expiresAt) : Infinity, Date.now() + LONGEST);
      const token = await new SignJWT({ task: taskId })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(assignee)
        .setAudience(AUDIENCE)
        .setJti(randomUUID())
        .setExpirationTime(Math.floor(until / 1000))
        .sign(key);
      return new URL(`/links/${token}`, publicUrl).href;
    },

    /** The task's page in the inbox, where its assignee signs in to decide it. */
    taskPage: (taskId: string): string => new URL(`/inbox/tasks/${encodeURIComponent(taskId)}`, publicUrl).href,

    /** The link's task, person and id; throws when it was tampered with ('invalid') or has expired ('expired'). */
    async read(token: string): Promise<DecisionLink & { linkId: string }> {
      try {
        const { payload } = await jwtVerify<{ task: string }>(token, key, { audience: AUDIENCE, algorithms: ['HS256'] });
        return { taskId: payload.task, assignee: payload.sub!, linkId: createHash('sha256').update(payload.jti!).digest('hex') };
      } catch (error) {
        throw new Error((error as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'expired' : 'invalid');
      }
    },
  };
}

export type DecisionLinks = ReturnType<typeof decisionLinks>;
