import type { Pool, PoolClient } from 'pg';
import type { StoredDocument } from '../../contracts/documents';
import type { BrowserPool } from '../../infra/browser';
import type { SafeHtml } from './html';

/**
 * The document store (the `documents` table): generated letters and invoices, signed contracts, robots' evidence,
 * each kept once under its key. Every part of officeflow reads and writes documents here. `db` may be a transaction.
 */
type Db = Pool | PoolClient;

/** A document as kept. */
export interface KeptDocument extends StoredDocument {
  contentType: string;
  content: Buffer;
  /** Kept for documents whose integrity is shown later (a signed contract). */
  sha256?: string;
}

/** Whether a document is kept under this key. */
export async function isKept(db: Db, documentKey: string): Promise<boolean> {
  return ((await db.query('SELECT 1 FROM documents WHERE document_key = $1', [documentKey])).rowCount ?? 0) > 0;
}

/** Keeps a document under its key; a document already kept there stays as it is, and is what is answered. */
export async function keepDocument(
  db: Db,
  doc: StoredDocument & { contentType: string; content: Buffer | string; sha256?: string },
): Promise<StoredDocument & { sha256?: string }> {
  const { rows } = await db.query<{ filename: string; sha256: string | null }>(
    `INSERT INTO documents (document_key, filename, content_type, content, sha256) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (document_key) DO UPDATE SET document_key = EXCLUDED.document_key RETURNING filename, sha256`,
    [doc.documentKey, doc.filename, doc.contentType, Buffer.from(doc.content), doc.sha256 ?? null],
  );
  return { documentKey: doc.documentKey, filename: rows[0].filename, ...(rows[0].sha256 ? { sha256: rows[0].sha256 } : {}) };
}

/** The documents kept under these keys, in the keys' order; a key with none is left out. */
export async function readDocuments(db: Db, documentKeys: string[]): Promise<KeptDocument[]> {
  const { rows } = await db.query<{ document_key: string; filename: string; content_type: string; content: Buffer; sha256: string | null }>(
    'SELECT document_key, filename, content_type, content, sha256 FROM documents WHERE document_key = ANY($1)',
    [documentKeys],
  );
  return documentKeys.flatMap((key) => {
    const row = rows.find((found) => found.document_key === key);
    return row
      ? [
          {
            documentKey: key,
            filename: row.filename,
            contentType: row.content_type,
            content: row.content,
            ...(row.sha256 ? { sha256: row.sha256 } : {}),
          },
        ]
      : [];
  });
}

export const readDocument = async (db: Db, documentKey: string): Promise<KeptDocument | undefined> =>
  (await readDocuments(db, [documentKey]))[0];

/** An HTML page printed to an A4 PDF in Chromium. */
export async function renderPdf(browser: BrowserPool, page: SafeHtml): Promise<Buffer> {
  const pdf = await browser.withPage(async (tab) => {
    await tab.setContent(page.markup, { waitUntil: 'load' });
    return tab.pdf({ format: 'A4', printBackground: true });
  }, 'printing');
  return Buffer.from(pdf);
}

/**
 * Prints an HTML page to PDF in Chromium and keeps it under `documentKey`. A document already kept under
 * that key is returned as it is, so a retried step never prints a second, different copy.
 */
export async function printToPdf(
  pool: Pool,
  browser: BrowserPool,
  doc: { documentKey: string; filename: string; html: SafeHtml },
): Promise<StoredDocument> {
  if (await isKept(pool, doc.documentKey)) return { documentKey: doc.documentKey, filename: doc.filename };
  return keepDocument(pool, { ...doc, contentType: 'application/pdf', content: await renderPdf(browser, doc.html) });
}
