import type { Pool } from 'pg';
import type { StoredDocument } from '../../contracts/documents';
import type { BrowserPool } from '../../infra/browser';
import type { SafeHtml } from './html';

/** Whether a document is kept under this key. */
export async function isKept(pool: Pool, documentKey: string): Promise<boolean> {
  return ((await pool.query('SELECT 1 FROM documents WHERE document_key = $1', [documentKey])).rowCount ?? 0) > 0;
}

/** Keeps a document under its key; a document already kept there stays as it is. */
export async function keepDocument(
  pool: Pool,
  doc: StoredDocument & { contentType: string; content: Buffer | string },
): Promise<StoredDocument> {
  await pool.query(
    `INSERT INTO documents (document_key, filename, content_type, content) VALUES ($1, $2, $3, $4) ON CONFLICT (document_key) DO NOTHING`,
    [doc.documentKey, doc.filename, doc.contentType, Buffer.from(doc.content)],
  );
  return { documentKey: doc.documentKey, filename: doc.filename };
}

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
