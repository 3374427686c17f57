import type { Pool } from 'pg';
import type { StoredDocument } from '../../contracts/documents';
import { formatMoney, money as toMoney } from '../../contracts/money';
import type { BrowserPool } from '../../infra/browser';
import { html } from './html';
import { printToPdf } from './store';

export function invoiceDocumentActivities(pool: Pool, browser: BrowserPool) {
  return {
    /** The invoice as the customer receives it, printed to PDF from the booked invoice. */
    async printInvoice(invoiceNumber: string): Promise<StoredDocument> {
      const { rows } = await pool.query(
        `SELECT i.invoice_number, i.customer_number, i.order_number, i.currency, i.net_total::text, i.tax_total::text, i.gross_total::text,
                (i.tax_rate * 100)::text AS tax_percent, to_char(i.issued_on, 'YYYY-MM-DD') AS issued, to_char(i.due_on, 'YYYY-MM-DD') AS due, c.company_name, c.country
           FROM invoices i JOIN customers c USING (customer_number) WHERE i.invoice_number = $1`,
        [invoiceNumber],
      );
      const invoice = rows[0];
      const lines = await pool.query(
        'SELECT sku, description, quantity, unit_price::text, net_amount::text FROM invoice_lines WHERE invoice_number = $1 ORDER BY line_no',
        [invoiceNumber],
      );
      const money = (amount: string) => formatMoney(toMoney(amount, invoice.currency));
      return printToPdf(pool, browser, {
        documentKey: `invoice/${invoiceNumber}`,
        filename: `${invoiceNumber}.pdf`,
        html: html`<!doctype html>
          <html>
            <head>
              <meta charset="utf-8" />
              <title>${invoiceNumber}</title>
              <style>
                body {
                  font-family: sans-serif;
                  margin: 2cm;
                }
                table {
                  width: 100%;
                  border-collapse: collapse;
                }
                td,
                th {
                  border-bottom: 1px solid #ccc;
                  padding: 4px;
                  text-align: left;
                }
              </style>
            </head>
            <body>
              <h1>Invoice ${invoiceNumber}</h1>
              <p>
                ${invoice.company_name}, ${invoice.country} — customer ${invoice.customer_number}<br />
                Issued ${invoice.issued}, due ${invoice.due}, order ${invoice.order_number}
              </p>
              <table>
                <tr>
                  <th>Item</th>
                  <th>Qty</th>
                  <th>Unit price</th>
                  <th>Net</th>
                </tr>
                ${lines.rows.map(
                  (line) =>
                    html`<tr>
                      <td>${line.description} (${line.sku})</td>
                      <td>${line.quantity}</td>
                      <td>${money(line.unit_price)}</td>
                      <td>${money(line.net_amount)}</td>
                    </tr>`,
                )}
              </table>
              <p>
                Net ${money(invoice.net_total)}<br />
                VAT ${invoice.tax_percent.replace(/\.?0+$/, '')}% ${money(invoice.tax_total)}<br />
                <b>Total ${money(invoice.gross_total)}</b>
              </p>
            </body>
          </html>`,
      });
    },
  };
}
