import QRCode from 'qrcode';
import { toDecimal } from '../../contracts/money';
import type { BillingDocument } from './billing-document';

/**
 * The EPC QR code ("GiroCode") on an invoice, which European banking apps scan to fill in a SEPA credit transfer:
 * EPC069-12 version 002 (BIC optional within the EEA), UTF-8, the seller as beneficiary with its IBAN and BIC, the
 * amount due and the invoice's RF creditor reference (structured, so the payment comes back with it). SEPA transfers
 * are in euro: an invoice in another currency, or a credit note, gets none.
 */
export function epcPayload(doc: BillingDocument): string | undefined {
  if (doc.kind !== 'invoice' || doc.gross.currency !== 'EUR' || doc.gross.amount <= 0) return undefined;
  return [
    'BCD',
    '002',
    '1',
    'SCT',
    doc.seller.bic,
    // The standard's limits: 70 characters for the name.
    doc.seller.legalName.slice(0, 70),
    doc.seller.iban.replace(/\s/g, ''),
    `EUR${toDecimal(doc.gross)}`,
    '',
    doc.paymentReference,
    '',
  ].join('\n');
}

/** The invoice's EPC QR code as a PNG data URL (error correction M, as EPC069-12 requires), or undefined where it has none. */
export async function epcQrCode(doc: BillingDocument): Promise<string | undefined> {
  const payload = epcPayload(doc);
  return payload && QRCode.toDataURL(payload, { errorCorrectionLevel: 'M', margin: 4, scale: 4 });
}
