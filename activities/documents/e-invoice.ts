// The library takes 0.7 s to load: this module is itself loaded at the first invoice (`invoice.ts`), so no command waits for it.
import { FormatFactoryService, type Invoice, type InvoiceServiceOptions, ValidationService, invoiceSchema } from '@e-invoice-eu/core';
import Ajv2019, { type ValidateFunction } from 'ajv/dist/2019';
import type { EInvoiceFormat } from '../../contracts/billing';
import { type Money, toDecimal } from '../../contracts/money';
import type { BillingDocument } from './billing-document';

/** The library's name of each format a buyer may take. */
const FORMATS: Record<EInvoiceFormat, string> = {
  'factur-x': 'Factur-X-EN16931',
  'xrechnung-cii': 'XRechnung-CII',
  'xrechnung-ubl': 'XRechnung-UBL',
};

const amount = (value: Money) => ({ value: toDecimal(value), currency: value.currency });
const percent = (rate: string) => String(Number((Number(rate) * 100).toFixed(2)));

/** An address in the library's (UBL-shaped) internal format. */
const postal = (country: string, address?: { street: string; postalCode: string; city: string }) => ({
  ...(address ? { 'cbc:StreetName': address.street, 'cbc:CityName': address.city, 'cbc:PostalZone': address.postalCode } : {}),
  'cac:Country': { 'cbc:IdentificationCode': country },
});

/**
 * The EN 16931 semantic content of an invoice or credit note (type 380 or 381), in @e-invoice-eu/core's internal
 * format: both parties, the supply date, the lines, one VAT breakdown with its exemption reason, the totals and the
 * SEPA transfer that pays it. The library sets each format's specification identifier. (It leaves a credit note's
 * reference to its invoice out of CII, so the note names the invoice too.)
 */
export function eInvoiceData(doc: BillingDocument): Invoice {
  const { seller, buyer, treatment } = doc;
  const money = (key: string, value: Money) => ({ [key]: amount(value).value, [`${key}@currencyID`]: value.currency });
  const category = {
    'cbc:ID': treatment.category,
    'cbc:Percent': percent(doc.rate),
    'cac:TaxScheme': { 'cbc:ID': 'VAT' },
  };
  const data = {
    'ubl:Invoice': {
      'cbc:ID': doc.number,
      'cbc:IssueDate': doc.issuedOn,
      ...(doc.dueOn ? { 'cbc:DueDate': doc.dueOn } : {}),
      'cbc:InvoiceTypeCode': doc.kind === 'invoice' ? '380' : '381',
      ...(doc.corrects ? { 'cbc:Note': [`Credit note for invoice ${doc.corrects.number}: ${doc.corrects.reason}`] } : {}),
      'cbc:DocumentCurrencyCode': doc.net.currency,
      'cbc:BuyerReference': buyer.reference ?? doc.orderNumber,
      'cac:OrderReference': { 'cbc:ID': doc.orderNumber },
      ...(doc.corrects
        ? {
            'cac:BillingReference': [
              { 'cac:InvoiceDocumentReference': { 'cbc:ID': doc.corrects.number, 'cbc:IssueDate': doc.corrects.issuedOn } },
            ],
          }
        : {}),
      'cac:AccountingSupplierParty': {
        'cac:Party': {
          'cbc:EndpointID': seller.email,
          'cbc:EndpointID@schemeID': 'EM',
          'cac:PartyName': { 'cbc:Name': seller.legalName },
          'cac:PostalAddress': postal(seller.country, seller.address),
          'cac:PartyTaxScheme': [
            { 'cbc:CompanyID': seller.vatId, 'cac:TaxScheme': { 'cbc:ID': 'VAT' } },
            ...(seller.taxNumber ? [{ 'cbc:CompanyID': seller.taxNumber, 'cac:TaxScheme': { 'cbc:ID': 'FC' } }] : []),
          ],
          'cac:PartyLegalEntity': { 'cbc:RegistrationName': seller.legalName, 'cbc:CompanyLegalForm': seller.footer },
          'cac:Contact': { 'cbc:Name': seller.legalName, 'cbc:Telephone': seller.phone, 'cbc:ElectronicMail': seller.email },
        },
      },
      'cac:AccountingCustomerParty': {
        'cac:Party': {
          'cbc:EndpointID': buyer.email,
          'cbc:EndpointID@schemeID': 'EM',
          'cac:PartyName': { 'cbc:Name': buyer.name },
          'cac:PostalAddress': postal(buyer.country, buyer.address),
          ...(buyer.vatId ? { 'cac:PartyTaxScheme': { 'cbc:CompanyID': buyer.vatId, 'cac:TaxScheme': { 'cbc:ID': 'VAT' } } } : {}),
          'cac:PartyLegalEntity': { 'cbc:RegistrationName': buyer.name },
        },
      },
      'cac:Delivery': { 'cbc:ActualDeliveryDate': doc.suppliedOn },
      'cac:PaymentMeans': [
        {
          'cbc:PaymentMeansCode': '58',
          'cbc:PaymentID': doc.paymentReference,
          'cac:PayeeFinancialAccount': {
            'cbc:ID': seller.iban,
            'cbc:Name': seller.legalName,
            'cac:FinancialInstitutionBranch': { 'cbc:ID': seller.bic },
          },
        },
      ],
      ...(doc.dueOn ? { 'cac:PaymentTerms': { 'cbc:Note': `Payable without deduction by ${doc.dueOn}.` } } : {}),
      'cac:TaxTotal': [
        {
          ...money('cbc:TaxAmount', doc.tax),
          'cac:TaxSubtotal': [
            {
              ...money('cbc:TaxableAmount', doc.net),
              ...money('cbc:TaxAmount', doc.tax),
              'cac:TaxCategory': {
                ...category,
                ...(treatment.exemption
                  ? { 'cbc:TaxExemptionReasonCode': treatment.exemption.code, 'cbc:TaxExemptionReason': treatment.exemption.legend }
                  : {}),
              },
            },
          ],
        },
      ],
      'cac:LegalMonetaryTotal': {
        ...money('cbc:LineExtensionAmount', doc.net),
        ...money('cbc:TaxExclusiveAmount', doc.net),
        ...money('cbc:TaxInclusiveAmount', doc.gross),
        ...money('cbc:PayableAmount', doc.gross),
      },
      'cac:InvoiceLine': doc.lines.map((line, index) => ({
        'cbc:ID': String(index + 1),
        'cbc:InvoicedQuantity': String(line.quantity),
        'cbc:InvoicedQuantity@unitCode': 'H87',
        ...money('cbc:LineExtensionAmount', line.net),
        'cac:Item': {
          'cbc:Name': line.description,
          'cac:SellersItemIdentification': { 'cbc:ID': line.sku },
          'cac:ClassifiedTaxCategory': category,
        },
        'cac:Price': money('cbc:PriceAmount', line.unitPrice),
      })),
    },
  };
  return data as unknown as Invoice;
}

/** What a buyer receives: for Factur-X the PDF with the XML inside it, for XRechnung the XML beside the PDF. */
export interface GeneratedEInvoice {
  format: EInvoiceFormat;
  /** The PDF to send: Factur-X's PDF/A-3 with `factur-x.xml` embedded, or the plain PDF. */
  pdf: Buffer;
  xml: string;
}

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
/** One compiled invoice schema per format, kept: compiling it is most of what an e-invoice costs (0.7 CPU-s here). */
const validators = new Map<string, ValidateFunction<Invoice>>();

const formats = new FormatFactoryService();
const validation = new ValidationService(quiet);

/**
 * The library's `InvoiceService.generate` (validate against the format's schema, fill in defaults, write the format),
 * except that it compiles each format's schema once instead of on every call.
 */
async function generate(data: Invoice, options: InvoiceServiceOptions): Promise<string | Uint8Array> {
  const formatter = formats.createFormatService(options.format, quiet);
  const format = formats.normalizeFormat(options.format);
  let validate = validators.get(format);
  if (!validate) {
    const schema = structuredClone(invoiceSchema);
    formatter.patchSchema(schema);
    validate = new Ajv2019({ strict: true, allErrors: true, useDefaults: true }).compile(schema);
    validators.set(format, validate);
  }
  // Validating fills in defaults: on a copy.
  const invoice = validation.validate('invoice data', validate, structuredClone(data));
  formatter.fillInvoiceDefaults(invoice);
  return formatter.generate(invoice, { ...options, format });
}

export async function generateEInvoice(doc: BillingDocument, pdf: Buffer): Promise<GeneratedEInvoice> {
  const format = doc.buyer.eInvoiceFormat;
  const data = eInvoiceData(doc);
  const lang = doc.buyer.language ?? 'en';
  // The XML alone in the buyer's syntax (CII for Factur-X), kept beside the PDF in the document store.
  const xmlFormat = format === 'factur-x' ? 'CII' : FORMATS[format];
  const xml = String(await generate(data, { format: xmlFormat, lang }));
  if (format !== 'factur-x') return { format, pdf, xml };
  const hybrid = await generate(data, {
    format: FORMATS[format],
    lang,
    pdf: { buffer: pdf, filename: `${doc.number}.pdf`, mimetype: 'application/pdf' },
  });
  return { format, pdf: Buffer.from(hybrid as Uint8Array), xml };
}
