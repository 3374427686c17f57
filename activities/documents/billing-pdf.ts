import { friendlyFormatIBAN } from 'ibantools';
import { type Money, formatMoney } from '../../contracts/money';
import type { BillingDocument } from './billing-document';
import { SafeHtml, html } from './html';

/** The locale amounts and dates are written in: the buyer's language, in the buyer's country. */
export function buyerLocale({ language, country }: { language?: string; country: string }): string {
  const lang = language ?? new Intl.Locale('und', { region: country }).maximize().language;
  try {
    return new Intl.Locale(lang, { region: new Intl.Locale(lang).region ?? country }).toString();
  } catch {
    return 'en';
  }
}

const percent = (rate: string) => `${Number((Number(rate) * 100).toFixed(2))} %`;

const STYLE = new SafeHtml(`
  body { font-family: 'Liberation Sans', Arial, sans-serif; font-size: 10pt; color: #222; margin: 1.6cm 1.8cm; }
  header { display: flex; align-items: center; gap: 12px; border-bottom: 2px solid #1f4e79; padding-bottom: 8px; }
  header img { width: 40px; height: 40px; }
  header .seller { font-size: 14pt; font-weight: bold; color: #1f4e79; }
  .parties { display: flex; justify-content: space-between; margin: 18px 0; }
  .parties div { width: 48%; }
  .small { font-size: 8pt; color: #555; }
  h1 { font-size: 16pt; margin: 10px 0; }
  table { width: 100%; border-collapse: collapse; margin-top: 10px; }
  th, td { padding: 4px 6px; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
  th { background: #f1f4f8; }
  .num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
  table.totals { width: 55%; margin-left: auto; }
  table.totals tr.gross td { font-weight: bold; border-top: 2px solid #222; }
  .legend { margin-top: 12px; padding: 6px 8px; border-left: 3px solid #1f4e79; background: #f6f8fb; }
  footer { margin-top: 24px; border-top: 1px solid #ccc; padding-top: 6px; }
  .payment { display: flex; align-items: center; justify-content: space-between; gap: 16px; }
  .payment figure { margin: 0; text-align: center; }
  .payment-code { width: 3.2cm; height: 3.2cm; }
`);

/**
 * An invoice or credit note as a person reads it: every item EU invoicing rules require (dates, sequential number,
 * both parties with addresses and VAT IDs, supply date, lines, taxable amount, rate and VAT per rate, the legend of an
 * exemption or reverse charge) and how to pay, with amounts right-aligned and written for the buyer's language.
 */
export function billingPdfHtml(doc: BillingDocument, paymentCode?: string): SafeHtml {
  const { seller, buyer } = doc;
  const locale = buyerLocale(buyer);
  const amount = (value: Money) => formatMoney(value, locale);
  const date = (iso: string) =>
    new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));
  const title = doc.kind === 'invoice' ? 'Invoice' : 'Credit note';
  const logo = seller.logoSvg ? `data:image/svg+xml;base64,${Buffer.from(seller.logoSvg).toString('base64')}` : undefined;
  const country = (code: string) => new Intl.DisplayNames([locale], { type: 'region' }).of(code) ?? code;
  const address = (a?: { street: string; postalCode: string; city: string }) =>
    a ? html`${a.street}<br />${a.postalCode} ${a.city}<br />` : '';
  // IBANs in groups of four, as people read them.
  const iban = (value: string) => friendlyFormatIBAN(value) ?? value;

  return html`<!doctype html>
    <html lang="${locale}">
      <head>
        <meta charset="utf-8" />
        <title>${title} ${doc.number}</title>
        <style>
          ${STYLE}
        </style>
      </head>
      <body>
        <header>
          ${logo ? html`<img src="${logo}" alt="" />` : ''}
          <span class="seller">${seller.legalName}</span>
        </header>
        <div class="parties">
          <div>
            <div class="small">Seller</div>
            <b>${seller.legalName}</b><br />
            ${address(seller.address)}${country(seller.country)}<br />
            VAT ID ${seller.vatId}${seller.taxNumber ? html`<br />Tax number ${seller.taxNumber}` : ''}
          </div>
          <div>
            <div class="small">Buyer</div>
            <b>${buyer.name}</b><br />
            ${address(buyer.address)}${country(buyer.country)}${buyer.vatId ? html`<br />VAT ID ${buyer.vatId}` : ''}
          </div>
        </div>
        <h1>${title} ${doc.number}</h1>
        <table>
          <tr>
            <td>Issue date</td>
            <td>${date(doc.issuedOn)}</td>
            <td>Date of supply</td>
            <td>${date(doc.suppliedOn)}</td>
          </tr>
          <tr>
            <td>Order</td>
            <td>${doc.orderNumber}</td>
            ${
              doc.corrects
                ? html`<td>Corrects invoice</td>
                    <td>${doc.corrects.number} of ${date(doc.corrects.issuedOn)}</td>`
                : html`<td>Due date</td>
                    <td>${doc.dueOn ? date(doc.dueOn) : ''}</td>`
            }
          </tr>
          ${
            buyer.reference
              ? html`<tr>
                  <td>Your reference</td>
                  <td colspan="3">${buyer.reference}</td>
                </tr>`
              : ''
          }
        </table>
        ${doc.corrects ? html`<p>Reason: ${doc.corrects.reason}</p>` : ''}
        <table>
          <tr>
            <th>#</th>
            <th>Description</th>
            <th class="num">Quantity</th>
            <th class="num">Unit price (net)</th>
            <th class="num">VAT</th>
            <th class="num">Net amount</th>
          </tr>
          ${doc.lines.map(
            (line, index) =>
              html`<tr>
                <td>${index + 1}</td>
                <td>${line.description}<br /><span class="small">${line.sku}</span></td>
                <td class="num">${new Intl.NumberFormat(locale).format(line.quantity)}</td>
                <td class="num">${amount(line.unitPrice)}</td>
                <td class="num">${percent(doc.rate)}</td>
                <td class="num">${amount(line.net)}</td>
              </tr>`,
          )}
        </table>
        <table class="totals">
          <tr>
            <td>Taxable amount at ${percent(doc.rate)}</td>
            <td class="num">${amount(doc.net)}</td>
          </tr>
          <tr>
            <td>VAT ${percent(doc.rate)}</td>
            <td class="num">${amount(doc.tax)}</td>
          </tr>
          <tr class="gross">
            <td>${doc.kind === 'invoice' ? 'Total due' : 'Total credited'}</td>
            <td class="num">${amount(doc.gross)}</td>
          </tr>
        </table>
        ${doc.treatment.exemption ? html`<p class="legend">${doc.treatment.exemption.legend}</p>` : ''}
        ${
          doc.kind === 'invoice'
            ? html`<div class="payment">
                <p>
                  Please transfer ${amount(doc.gross)} by ${doc.dueOn ? date(doc.dueOn) : ''} to ${seller.legalName}, IBAN
                  ${iban(seller.iban)}, BIC ${seller.bic}, quoting the reference <b>${doc.paymentReference}</b>.
                </p>
                ${
                  paymentCode
                    ? html`<figure>
                        <img class="payment-code" src="${paymentCode}" alt="EPC QR code for the transfer" />
                        <figcaption class="small">Scan with your banking app</figcaption>
                      </figure>`
                    : ''
                }
              </div>`
            : html`<p>
                The amount credited is set off against invoice ${doc.corrects?.number}, or refunded if it is already
                paid${buyer.iban ? html` to IBAN ${iban(buyer.iban)}` : ''}.
              </p>`
        }
        <footer class="small">${seller.footer} · ${seller.email} · ${seller.phone}</footer>
      </body>
    </html>`;
}
