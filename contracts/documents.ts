import { z } from 'zod';

/** A generated document (letter, invoice) kept in the document store under its key. */
export const StoredDocument = z.object({ documentKey: z.string(), filename: z.string() });
export type StoredDocument = z.infer<typeof StoredDocument>;

/** An invoice or credit note as kept: its PDF, its EN 16931 XML, and what the buyer is sent (by key). */
export const IssuedDocuments = StoredDocument.extend({
  eInvoice: StoredDocument.optional(),
  attachmentKeys: z.array(z.string()).optional(),
});
export type IssuedDocuments = z.infer<typeof IssuedDocuments>;

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
