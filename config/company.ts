import { CompanyProfile } from '../contracts/billing';

/**
 * The seller on every invoice and credit note: edit this once for your company. Checked when officeflow loads, so a
 * mistyped VAT ID or IBAN stops the engine instead of reaching a customer.
 */
export const company: CompanyProfile = CompanyProfile.parse({
  legalName: 'Officeflow Demo GmbH',
  address: { street: 'Friedrichstraße 68', postalCode: '10117', city: 'Berlin' },
  country: 'DE',
  vatId: 'DE812345673',
  taxNumber: '37/123/45678',
  iban: 'DE89 3704 0044 0532 0130 00',
  bic: 'COBADEFFXXX',
  email: 'billing@officeflow.example',
  phone: '+49 30 1234 5678',
  footer: 'Officeflow Demo GmbH · Managing director: Dana Demo · Amtsgericht Charlottenburg HRB 123456 B',
  logoSvg:
    '<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48" viewBox="0 0 48 48">' +
    '<rect width="48" height="48" rx="10" fill="#1f4e79"/><path d="M12 30 L22 18 L28 26 L36 14" stroke="#fff" stroke-width="4" ' +
    'fill="none" stroke-linecap="round" stroke-linejoin="round"/></svg>',
});
