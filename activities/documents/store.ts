import type { Pool } from 'pg';
import type { StoredDocument } from '../../contracts/documents';
import type { BrowserPool } from '../../infra/browser';
import type { SafeHtml } from './html';

/**
 * Prints an HTML page to PDF in Chromium and keeps it under `documentKey`. A document already kept under
 * that key is returned as it is, so a retried step never prints a second, different copy.
 */
export async function printToPdf(
  pool: Pool,
  browser: BrowserPool,
  doc: { documentKey: string; filename: string; html: SafeHtml },
): Promise<StoredDocument> {
  const existing = await pool.query('SELECT 1 FROM documents WHERE document_key = $1', [doc.documentKey]);
  if (existing.rowCount === 0) {
    const pdf = await browser.withPage(async (page) => {
      await page.setContent(doc.html.markup, { waitUntil: 'load' });
      return page.pdf({ format: 'A4', printBackground: true });
    });
    await pool.query(
      `INSERT INTO documents (document_key, filename, content_type, content) VALUES ($1, $2, 'application/pdf', $3)
       ON CONFLICT (document_key) DO NOTHING`,
      [doc.documentKey, doc.filename, Buffer.from(pdf)],
    );
  }
  return { documentKey: doc.documentKey, filename: doc.filename };
}
