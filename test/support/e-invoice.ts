import { XMLParser } from 'fast-xml-parser';

/** What a receiving system reads from an EN 16931 e-invoice, the same whether it came as CII or UBL. */
export interface ReadEInvoice {
  syntax: 'CII' | 'UBL';
  guideline: string;
  number: string;
  typeCode: string;
  seller: { name: string; vatId?: string; country: string };
  buyer: { name: string; vatId?: string; country: string };
  vat: { category: string; percent: number; taxable: number; tax: number; exemptionCode?: string; exemption?: string }[];
  totals: { net: number; tax: number; gross: number; payable: number };
  precedingInvoice?: string;
}

// Parsed XML has no static shape: one loose type for all of it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Xml = any;

const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false });
const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
/** An element's text, whether or not it carries attributes. */
const text = (value: unknown): string =>
  value && typeof value === 'object' ? String((value as Record<string, unknown>)['#text']) : String(value);
const num = (value: unknown) => Number(text(value));

/** Reads a CII (Factur-X, XRechnung CII) or UBL (XRechnung UBL) invoice or credit note. */
export function readEInvoice(xml: string | Buffer): ReadEInvoice {
  const doc = parser.parse(xml.toString());
  if (doc.CrossIndustryInvoice) {
    const root = doc.CrossIndustryInvoice;
    const trade = root.SupplyChainTradeTransaction;
    const settlement = trade.ApplicableHeaderTradeSettlement;
    const party = (p: Xml) => ({
      name: text(p.Name),
      vatId: list<Xml>(p.SpecifiedTaxRegistration)
        .map((r) => r.ID)
        .find((id) => id['@schemeID'] === 'VA')?.['#text'],
      country: text(p.PostalTradeAddress.CountryID),
    });
    const sum = settlement.SpecifiedTradeSettlementHeaderMonetarySummation;
    return {
      syntax: 'CII',
      guideline: text(root.ExchangedDocumentContext.GuidelineSpecifiedDocumentContextParameter.ID),
      number: text(root.ExchangedDocument.ID),
      typeCode: text(root.ExchangedDocument.TypeCode),
      seller: party(trade.ApplicableHeaderTradeAgreement.SellerTradeParty),
      buyer: party(trade.ApplicableHeaderTradeAgreement.BuyerTradeParty),
      vat: list<Xml>(settlement.ApplicableTradeTax).map((tax) => ({
        category: text(tax.CategoryCode),
        percent: num(tax.RateApplicablePercent),
        taxable: num(tax.BasisAmount),
        tax: num(tax.CalculatedAmount),
        exemptionCode: tax.ExemptionReasonCode && text(tax.ExemptionReasonCode),
        exemption: tax.ExemptionReason && text(tax.ExemptionReason),
      })),
      totals: {
        net: num(sum.TaxBasisTotalAmount),
        tax: num(list(sum.TaxTotalAmount)[0]),
        gross: num(sum.GrandTotalAmount),
        payable: num(sum.DuePayableAmount),
      },
      precedingInvoice: settlement.InvoiceReferencedDocument && text(settlement.InvoiceReferencedDocument.IssuerAssignedID),
    };
  }
  const kind = doc.Invoice ? 'Invoice' : 'CreditNote';
  const root = doc[kind];
  const party = (p: Xml) => ({
    name: text(p.PartyLegalEntity.RegistrationName),
    vatId: list<Xml>(p.PartyTaxScheme).find((s) => text(s.TaxScheme.ID) === 'VAT')?.CompanyID,
    country: text(p.PostalAddress.Country.IdentificationCode),
  });
  const total = root.LegalMonetaryTotal;
  return {
    syntax: 'UBL',
    guideline: text(root.CustomizationID),
    number: text(root.ID),
    typeCode: text(root.InvoiceTypeCode ?? root.CreditNoteTypeCode),
    seller: party(root.AccountingSupplierParty.Party),
    buyer: party(root.AccountingCustomerParty.Party),
    vat: list<Xml>(list<Xml>(root.TaxTotal)[0].TaxSubtotal).map((sub) => ({
      category: text(sub.TaxCategory.ID),
      percent: num(sub.TaxCategory.Percent),
      taxable: num(sub.TaxableAmount),
      tax: num(sub.TaxAmount),
      exemptionCode: sub.TaxCategory.TaxExemptionReasonCode && text(sub.TaxCategory.TaxExemptionReasonCode),
      exemption: sub.TaxCategory.TaxExemptionReason && text(sub.TaxCategory.TaxExemptionReason),
    })),
    totals: {
      net: num(total.TaxExclusiveAmount),
      tax: num(list<Xml>(root.TaxTotal)[0].TaxAmount),
      gross: num(total.TaxInclusiveAmount),
      payable: num(total.PayableAmount),
    },
    precedingInvoice: root.BillingReference && text(root.BillingReference.InvoiceDocumentReference.ID),
  };
}
