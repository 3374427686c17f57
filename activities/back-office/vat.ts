/** The EU member states (ISO 3166 codes), between which reverse charge and destination rates apply. */
export const EU_COUNTRIES = new Set([
  'AT',
  'BE',
  'BG',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GR',
  'HR',
  'HU',
  'IE',
  'IT',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
]);

export type VatTreatmentKind = 'domestic' | 'reverse-charge' | 'eu-consumer' | 'export';

/** How a sale is taxed: whose rate applies (none when zero-rated), its EN 16931 category, and the legend it needs. */
export interface VatTreatment {
  kind: VatTreatmentKind;
  /** The country whose standard rate applies; undefined for a 0 % sale. */
  rateOf?: string;
  /** EN 16931 VAT category: S standard, AE reverse charge, G export outside the EU. */
  category: 'S' | 'AE' | 'G';
  /** The exemption reason code (VATEX) and the legend the invoice must carry. */
  exemption?: { code: string; legend: string };
}

/**
 * VAT by rule, from where the seller and the buyer are and whether the buyer is a business with a VAT ID:
 * a domestic sale at the seller's rate; to a business in another member state reverse-charged at 0 %; to a
 * consumer in another member state at the destination's rate (the seller accounts for it through OSS); outside
 * the EU, an export at 0 %.
 */
export function vatTreatment(sellerCountry: string, buyer: { country: string; vatId?: string | null }): VatTreatment {
  if (buyer.country === sellerCountry) return { kind: 'domestic', rateOf: sellerCountry, category: 'S' };
  const bothInEu = EU_COUNTRIES.has(sellerCountry) && EU_COUNTRIES.has(buyer.country);
  if (bothInEu && buyer.vatId)
    return {
      kind: 'reverse-charge',
      category: 'AE',
      exemption: {
        code: 'VATEX-EU-AE',
        legend: 'Reverse charge: VAT to be accounted for by the recipient (Article 196, Council Directive 2006/112/EC).',
      },
    };
  if (bothInEu) return { kind: 'eu-consumer', rateOf: buyer.country, category: 'S' };
  return {
    kind: 'export',
    category: 'G',
    exemption: { code: 'VATEX-EU-G', legend: 'Export outside the EU: exempt from VAT (Article 146, Council Directive 2006/112/EC).' },
  };
}
