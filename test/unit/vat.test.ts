import { BillingDetails, CompanyProfile, creditorReference, vatIdCountry } from '../../contracts/billing';
import { vatTreatment } from '../../activities/back-office/vat';
import { buyerLocale } from '../../activities/documents/billing-pdf';
import { company } from '../../config/company';

describe('VAT treatment by rule', () => {
  it('charges the seller’s rate at home, reverse-charges EU businesses, the destination’s rate to EU consumers, none on exports', () => {
    expect(vatTreatment('DE', { country: 'DE', vatId: 'DE298745638' })).toMatchObject({ kind: 'domestic', rateOf: 'DE', category: 'S' });
    expect(vatTreatment('DE', { country: 'DE' })).toMatchObject({ kind: 'domestic', rateOf: 'DE' });
    expect(vatTreatment('DE', { country: 'FR', vatId: 'FR40303265045' })).toMatchObject({
      kind: 'reverse-charge',
      category: 'AE',
      exemption: { code: 'VATEX-EU-AE', legend: expect.stringContaining('Reverse charge') },
    });
    // Zero-rated sales take no country's rate.
    expect(vatTreatment('DE', { country: 'FR', vatId: 'FR40303265045' }).rateOf).toBeUndefined();
    expect(vatTreatment('DE', { country: 'US' }).rateOf).toBeUndefined();
    expect(vatTreatment('DE', { country: 'FR', vatId: null })).toMatchObject({ kind: 'eu-consumer', rateOf: 'FR', category: 'S' });
    for (const country of ['US', 'CH', 'GB', 'NO']) {
      expect(vatTreatment('DE', { country, vatId: 'anything' })).toMatchObject({
        kind: 'export',
        category: 'G',
        exemption: { code: 'VATEX-EU-G' },
      });
    }
  });
});

describe('billing details', () => {
  it('checks VAT IDs by country prefix, format and check digits; Greece’s EL prefix is the country GR', () => {
    expect(vatIdCountry('DE298745638')).toBe('DE');
    expect(vatIdCountry('FR40303265045')).toBe('FR');
    expect(vatIdCountry('FR00000000000')).toBeUndefined();
    expect(vatIdCountry('XX123')).toBeUndefined();
    const parsed = BillingDetails.safeParse({ vatId: 'de 298.745.638' });
    expect(parsed.success && parsed.data.vatId).toBe('DE298745638');
    expect(BillingDetails.safeParse({ vatId: 'DE298745639' }).error?.issues).toEqual([
      expect.objectContaining({ path: ['vatId'], message: expect.stringContaining('not a valid VAT ID') }),
    ]);
  });

  it('refuses a company profile with a mistyped IBAN, or a VAT ID of another country than its own', () => {
    expect(CompanyProfile.safeParse({ ...company, iban: 'DE89 3704 0044 0532 0130 01' }).error?.issues).toEqual([
      expect.objectContaining({ path: ['iban'], message: 'is not a valid IBAN' }),
    ]);
    expect(CompanyProfile.safeParse({ ...company, vatId: 'FR40303265045' }).error?.issues).toEqual([
      expect.objectContaining({ path: ['vatId'], message: 'is a VAT ID of FR, not of DE' }),
    ]);
    expect(company.iban).toBe('DE89370400440532013000');
  });

  it('makes ISO 11649 creditor references a bank can check', () => {
    // The standard's own example.
    expect(creditorReference('539007547034')).toBe('RF18539007547034');
    expect(creditorReference('INV-000001')).toMatch(/^RF\d{2}INV000001$/);
  });

  it('writes amounts for the buyer’s language, or the language of the buyer’s country', () => {
    expect(buyerLocale({ language: 'fr', country: 'BE' })).toBe('fr-BE');
    expect(buyerLocale({ language: 'de-AT', country: 'DE' })).toBe('de-AT');
    expect(buyerLocale({ country: 'DE' })).toBe('de-DE');
    expect(buyerLocale({ country: 'US' })).toBe('en-US');
  });
});
