import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import type { BillingDocument } from '../../activities/documents/billing-document';
import { billingPdfHtml } from '../../activities/documents/billing-pdf';
import { epcPayload, epcQrCode } from '../../activities/documents/payment-code';
import { company } from '../../config/company';
import { creditorReference } from '../../contracts/billing';

const EUR = (amount: number) => ({ amount, currency: 'EUR' });
const invoice: BillingDocument = {
  kind: 'invoice',
  number: 'INV-000042',
  issuedOn: '2026-12-06',
  dueOn: '2027-01-05',
  suppliedOn: '2026-12-06',
  orderNumber: 'SO-100042',
  seller: company,
  buyer: { name: 'Northwind Traders GmbH', country: 'DE', email: 'billing@northwind.test', eInvoiceFormat: 'factur-x' },
  treatment: { kind: 'domestic', rateOf: 'DE', category: 'S' },
  rate: '0.19',
  lines: [{ sku: 'DESK-140', description: 'Desk', quantity: 2, unitPrice: EUR(49900), net: EUR(99800) }],
  net: EUR(99800),
  tax: EUR(18962),
  gross: EUR(118762),
  paymentReference: creditorReference('INV-000042'),
};

/** What a banking app reads from a PNG data URL's QR code. */
const scanned = (dataUrl: string) => {
  const png = PNG.sync.read(Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64'));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
};

describe('the EPC QR code on an invoice', () => {
  it('holds a SEPA credit transfer to the seller: EPC069-12 v2, the amount due and the RF reference', () => {
    expect(epcPayload(invoice)!.split('\n')).toEqual([
      'BCD',
      '002',
      '1',
      'SCT',
      'COBADEFFXXX',
      'Officeflow Demo GmbH',
      'DE89370400440532013000',
      'EUR1187.62',
      '',
      'RF29INV000042',
      '',
    ]);
  });

  it('is printed on the invoice, where a banking app scans it back', async () => {
    const code = (await epcQrCode(invoice))!;
    expect(scanned(code)).toBe(epcPayload(invoice));
    expect(billingPdfHtml(invoice, code).markup).toContain(`src="${code}"`);
  });

  it('is left off a credit note and an invoice in another currency than the euro', async () => {
    expect(await epcQrCode({ ...invoice, kind: 'credit-note' })).toBeUndefined();
    expect(await epcQrCode({ ...invoice, gross: { amount: 118762, currency: 'CHF' } })).toBeUndefined();
    expect(billingPdfHtml(invoice).markup).not.toContain('payment-code"');
  });
});
