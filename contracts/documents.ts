import { z } from 'zod';

/** A generated document (letter, invoice) kept in the document store under its key. */
export const StoredDocument = z.object({ documentKey: z.string(), filename: z.string() });
export type StoredDocument = z.infer<typeof StoredDocument>;

/** An e-mail a step sends; the key names the run and step, so it is sent once however often the step runs. */
export const OutgoingEmail = z.object({
  emailKey: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  /** Documents to attach, by key. */
  attachmentKeys: z.array(z.string()),
  /** For a task's e-mail: a one-click link to decide it, for this person, until this time at the latest. */
  decisionLink: z.object({ taskId: z.string(), assignee: z.string(), expiresAt: z.iso.datetime().optional() }).optional(),
});
export type OutgoingEmail = z.infer<typeof OutgoingEmail>;
