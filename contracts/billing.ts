import { isValidBIC, isValidIBAN, electronicFormatIBAN } from 'ibantools';
import { checkVAT, countries } from 'jsvat';
import { z } from 'zod';
import { countryCode, email, label, plainText } from './fields';

/** A postal address; the country travels beside it, as the CRM sends it. */
export const PostalAddress = z.object({ street: label, postalCode: plainText(20).min(1), city: label });
export type PostalAddress = z.infer<typeof PostalAddress>;

/** The country a VAT ID belongs to (ISO 3166: Greece's "EL" is GR), or undefined when the ID is not valid. */
export function vatIdCountry(vatId: string): string | undefined {
  const result = checkVAT(vatId, countries);
  return result.isValid ? result.country?.isoCode.short : undefined;
}

/** An EU VAT identification number: its country prefix, format and check digits. */
export const vatId = z
  .string()
  .transform((id) => id.replace(/[\s.-]/g, '').toUpperCase())
  .refine((id) => vatIdCountry(id) !== undefined, 'is not a valid VAT ID (country prefix, format and check digits)');

export const iban = z
  .string()
  .transform((value) => electronicFormatIBAN(value) ?? value)
  .refine((value) => isValidIBAN(value), 'is not a valid IBAN');

/** The e-invoice a buyer takes: Factur-X/ZUGFeRD (XML inside the PDF) or XRechnung (XML, CII or UBL syntax). */
export const EInvoiceFormat = z.enum(['factur-x', 'xrechnung-cii', 'xrechnung-ubl']);
export type EInvoiceFormat = z.infer<typeof EInvoiceFormat>;

/** What an invoice needs of a buyer beyond its name and country: optional, as a CRM may not have it yet. */
export const BillingDetails = z.object({
  address: PostalAddress.optional(),
  /** A business's VAT ID; a buyer without one is a consumer. */
  vatId: vatId.optional(),
  eInvoiceFormat: EInvoiceFormat.optional(),
  /** The buyer's language (BCP 47, e.g. "fr"): amounts are formatted for it. */
  language: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as "fr" or "de-AT"')
    .optional(),
  /** The reference the buyer wants on its invoices (XRechnung's Leitweg-ID for a German authority). */
  buyerReference: plainText(100).min(1).optional(),
  /** The buyer's bank account (IBAN, checksum checked): where a credit note's refund goes. */
  iban: iban.optional(),
});
export type BillingDetails = z.infer<typeof BillingDetails>;

/** A buyer's VAT ID must be one of its own country. */
export const vatIdOfCountry = (customer: { country: string; vatId?: string }, ctx: z.RefinementCtx): void => {
  // An invalid ID has its own message already.
  const country = customer.vatId && vatIdCountry(customer.vatId);
  if (country && country !== customer.country)
    ctx.addIssue({ code: 'custom', path: ['vatId'], message: `is a VAT ID of ${country}, not of ${customer.country}` });
};

/** The seller on every invoice: configured once, in `definitions/company.ts`. */
export const CompanyProfile = z
  .object({
    legalName: label,
    address: PostalAddress,
    country: countryCode,
    vatId,
    /** The tax number the seller's tax office gave it. */
    taxNumber: plainText(50).optional(),
    iban,
    bic: z.string().refine((value) => isValidBIC(value), 'is not a valid BIC'),
    email,
    phone: plainText(50),
    /** Shown at the foot of every invoice: registration, managing directors. */
    footer: plainText(500),
    /** An SVG logo, shown at the top of every invoice. */
    logoSvg: plainText(20_000).optional(),
  })
  .superRefine((company, ctx) => vatIdOfCountry(company, ctx));
export type CompanyProfile = z.infer<typeof CompanyProfile>;

/** An ISO 11649 structured creditor reference ("RF" + check digits + the reference), which a bank checks like an IBAN. */
export function creditorReference(reference: string): string {
  const body = reference.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const digits = [...`${body}RF00`].map((char) => parseInt(char, 36).toString()).join('');
  const remainder = [...digits].reduce((rest, digit) => (rest * 10 + Number(digit)) % 97, 0);
  return `RF${String(98 - remainder).padStart(2, '0')}${body}`;
}
