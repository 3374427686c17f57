import type { Pool } from 'pg';
import type { IssuedDocuments } from '../../contracts/documents';
import type { BrowserPool } from '../../infra/browser';
import { whileBeating } from '../heartbeat';
import { type BillingDocument, loadCreditNote, loadInvoice } from './billing-document';
import { billingPdfHtml } from './billing-pdf';
import { epcQrCode } from './payment-code';
import { isKept, keepDocument, renderPdf } from './store';

/**
 * Prints a booked invoice or credit note and makes its e-invoice, in the format the buyer takes; both are kept in the
 * document store. Kept once: a retried step returns what was kept, never a second, different copy.
 */
async function issueDocuments(pool: Pool, browser: BrowserPool, load: () => Promise<BillingDocument>, key: string, number: string) {
  const pdfKey = `${key}/${number}`;
  const xmlKey = `${pdfKey}/e-invoice.xml`;
  const pdfName = `${number}.pdf`;
  const xmlName = `${number}.xml`;
  const doc = await load();
  if (!((await isKept(pool, pdfKey)) && (await isKept(pool, xmlKey)))) {
    // Loaded with the first invoice, with its schema validator: what only reads the configuration does not wait for it.
    const { generateEInvoice } = await import('./e-invoice.js');
    const generated = await generateEInvoice(doc, await renderPdf(browser, billingPdfHtml(doc, await epcQrCode(doc))));
    // The XML first: once the PDF is kept, both are.
    await keepDocument(pool, { documentKey: xmlKey, filename: xmlName, contentType: 'application/xml', content: generated.xml });
    await keepDocument(pool, { documentKey: pdfKey, filename: pdfName, contentType: 'application/pdf', content: generated.pdf });
  }
  // Factur-X carries its XML inside the PDF; XRechnung travels as XML beside it.
  const attachmentKeys = doc.buyer.eInvoiceFormat === 'factur-x' ? [pdfKey] : [pdfKey, xmlKey];
  return { documentKey: pdfKey, filename: pdfName, eInvoice: { documentKey: xmlKey, filename: xmlName }, attachmentKeys };
}

export function invoiceDocumentActivities(pool: Pool, browser: BrowserPool) {
  return {
    /** The invoice as the customer receives it: its PDF and its EN 16931 e-invoice. */
    async printInvoice(invoiceNumber: string): Promise<IssuedDocuments> {
      return whileBeating(() => issueDocuments(pool, browser, () => loadInvoice(pool, invoiceNumber), 'invoice', invoiceNumber));
    },

    /** A credit note as the customer receives it: its PDF and its EN 16931 e-invoice (type 381). */
    async printCreditNote(creditNoteNumber: string): Promise<IssuedDocuments> {
      return whileBeating(() =>
        issueDocuments(pool, browser, () => loadCreditNote(pool, creditNoteNumber), 'credit-note', creditNoteNumber),
      );
    },
  };
}
