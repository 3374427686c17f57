import type { Pool } from 'pg';
import { ANOTHER_INVOICE, type BankPayment, type InvoiceCandidate, type PaymentMatch } from '../../contracts/bank';
import { creditorReference } from '../../contracts/billing';
import { formatMoney, money, toDecimal } from '../../contracts/money';
import { orderToCashRunId } from '../../contracts/order';
import { seriesNumber } from '../back-office/invoices';
import { normalizeAccount } from './lines';

/**
 * How sure officeflow is of a match, by what it rests on: a reference the payer gave (a structured RF creditor
 * reference, one in the text, the invoice's number), else the amount with who paid (an IBAN the customer paid from
 * before, a name like the customer's), else the amount alone.
 */
export const CONFIDENCE = {
  structuredReference: 1,
  referenceInText: 0.98,
  invoiceNumberInText: 0.95,
  /** The number in the text, but not the amount it owes: a part payment, or a number that is not the invoice's. */
  invoiceNumberOnly: 0.85,
  amountAndKnownAccount: 0.9,
  amountAndName: 0.8,
  /** A reference to an invoice already settled: a payment twice, perhaps; a person looks. */
  settledInvoice: 0.6,
  amountOnly: 0.5,
  payerOnly: 0.4,
  nearAmount: 0.2,
};

/** The ISO 11649 creditor references in a text whose check digits hold, as printed (perhaps in groups of four) or not. */
export function creditorReferencesIn(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.toUpperCase().matchAll(/RF\d{2}(?: ?[A-Z0-9]){1,21}/g)) {
    const compact = match[0].replace(/ /g, '');
    // Every length whose check digits hold: the match may have run on into the next word, and an invoice's reference
    // decides which is meant.
    for (let end = compact.length; end >= 5; end--) {
      const candidate = compact.slice(0, end);
      if (creditorReference(candidate.slice(4)) === candidate) found.add(candidate);
    }
  }
  return [...found];
}

/**
 * Invoice numbers of a series written in a text, however the payer spaced them (`INV-000042`, `inv 000042`,
 * `INV00042`): five digits at least, as copied from the invoice, so `Inv 2024-0815` or `INV 1 of 3` names none.
 */
export function invoiceNumbersIn(text: string, prefix: string): string[] {
  const letters = prefix.replace(/[^A-Za-z]/g, '');
  if (!letters) return [];
  const pattern = new RegExp(`\\b${letters}[-\\s/]?(\\d{5,12})\\b`, 'gi');
  return [...new Set([...text.matchAll(pattern)].map((match) => seriesNumber(prefix, match[1])))];
}

const LEGAL_FORMS = new Set([
  'gmbh',
  'ag',
  'kg',
  'ohg',
  'ug',
  'ev',
  'co',
  'ltd',
  'limited',
  'inc',
  'llc',
  'plc',
  'sa',
  'sas',
  'sarl',
  'srl',
  'spa',
  'bv',
  'nv',
  'ab',
  'as',
  'oy',
  'the',
  'und',
  'and',
]);
const wordsOf = (name: string) =>
  new Set(
    name
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((word) => word.length >= 2 && !LEGAL_FORMS.has(word)),
  );

/** Whether a payer's name is the customer's: most of the shorter name's words (legal forms aside) are in the other. */
export function sameName(payer: string, customer: string): boolean {
  const [a, b] = [wordsOf(payer), wordsOf(customer)];
  const shared = [...a].filter((word) => b.has(word));
  return shared.some((word) => word.length >= 3) && shared.length / Math.min(a.size, b.size) >= 0.6;
}

interface InvoiceRow {
  invoice_number: string;
  currency: string;
  outstanding: string;
  payment_reference: string | null;
  customer_number: string;
  company_name: string;
  customer_iban: string | null;
  deal_id: string;
}

/** An invoice as a candidate for a payment: refused where its currency is not the payment's. */
const candidateOf = (row: InvoiceRow, payment: BankPayment, reasons: string[], confidence: number): InvoiceCandidate => ({
  invoiceNumber: row.invoice_number,
  customerName: row.company_name,
  outstanding: money(row.outstanding, row.currency),
  workflowId: orderToCashRunId({ dealId: row.deal_id }),
  reasons,
  confidence,
  ...(row.currency !== payment.amount.currency
    ? { refused: `the invoice is in ${row.currency}, the payment in ${payment.amount.currency}: officeflow never converts` }
    : {}),
});

/** What each candidate owed as matching saw it. */
const owedBy = (candidates: InvoiceCandidate[]) => Object.fromEntries(candidates.map((c) => [c.invoiceNumber, c.outstanding]));

/** Invoices with their balances, customers and deals (`also`: columns more, first). */
const invoices = (
  also = '',
) => `SELECT ${also} b.invoice_number, b.currency, b.outstanding::text, b.payment_reference, b.customer_number, c.company_name,
                         c.iban AS customer_iban, o.deal_id
                    FROM invoice_balances b JOIN customers c USING (customer_number) JOIN sales_orders o USING (order_number)
                    JOIN invoices i USING (invoice_number)`;

/** The invoices a payment may settle, each with why and how sure; and the ones officeflow would apply it to. */
export function paymentMatching(pool: Pool) {
  /** The numbers of the invoice series written in a text. */
  const invoiceNumbersNamed = async (text: string) => {
    const { rows } = await pool.query<{ prefix: string }>(`SELECT prefix FROM number_series WHERE series = 'invoice'`);
    return invoiceNumbersIn(text, rows[0]?.prefix ?? 'INV-');
  };

  /** The ten open invoices of the payment's currency whose balance is nearest its amount. */
  const nearest = async (payment: BankPayment): Promise<InvoiceCandidate[]> => {
    const { rows } = await pool.query<InvoiceRow>(
      `${invoices()} WHERE b.outstanding > 0 AND b.currency = $2 ORDER BY abs(b.outstanding - $1::numeric), b.invoice_number LIMIT 10`,
      [toDecimal(payment.amount), payment.amount.currency],
    );
    return rows.map((row) =>
      candidateOf(row, payment, [`open, ${formatMoney(money(row.outstanding, row.currency))} owed`], CONFIDENCE.nearAmount),
    );
  };

  /** The invoices the payer referred to (an RF reference, an invoice number), oldest due first; and whether to apply. */
  const referredTo = async (payment: BankPayment): Promise<PaymentMatch | undefined> => {
    const { amount } = payment;
    const said = [payment.reference, payment.text].filter(Boolean).join(' ');
    const structured = payment.reference ? creditorReferencesIn(payment.reference) : [];
    const references = [...new Set([...structured, ...creditorReferencesIn(said)])];
    const numbers = await invoiceNumbersNamed(said);
    if (references.length === 0 && numbers.length === 0) return undefined;
    // Oldest due first: the order in which a transfer short of them all settles them.
    const { rows } = await pool.query<InvoiceRow>(
      `${invoices()} WHERE b.payment_reference = ANY($1) OR b.invoice_number = ANY($2) ORDER BY i.due_on, b.invoice_number`,
      [references, numbers],
    );
    if (rows.length === 0) return undefined;
    // A number in a text is weaker than a reference with check digits: it suffices where the amount agrees.
    const owedInAll = rows.reduce((total, row) => total + money(row.outstanding, row.currency).amount, 0);
    const amountAgrees = rows.every((row) => row.currency === amount.currency) && owedInAll === amount.amount;
    const candidates = rows.map((row) => {
      const byReference = row.payment_reference && references.includes(row.payment_reference);
      const settled = money(row.outstanding, row.currency).amount === 0;
      const confidence = settled
        ? CONFIDENCE.settledInvoice
        : !byReference
          ? amountAgrees
            ? CONFIDENCE.invoiceNumberInText
            : CONFIDENCE.invoiceNumberOnly
          : structured.includes(row.payment_reference!)
            ? CONFIDENCE.structuredReference
            : CONFIDENCE.referenceInText;
      const reasons = [
        byReference ? `its reference ${row.payment_reference} is on the payment` : `its number ${row.invoice_number} is in the text`,
        ...(settled ? ['it is settled already'] : []),
      ];
      return candidateOf(row, payment, reasons, confidence);
    });
    const usable = candidates.every((c) => !c.refused);
    return {
      candidates,
      ...(usable
        ? {
            proposal: {
              invoiceNumbers: candidates.map((c) => c.invoiceNumber),
              confidence: Math.min(...candidates.map((c) => c.confidence)),
              reason: candidates.map((c) => `${c.invoiceNumber}: ${c.reasons.join(', ')}`).join('; '),
              expected: owedBy(candidates),
            },
          }
        : {}),
    };
  };

  /** Who paid and how much: the open invoices of this amount, and those of a customer who paid from this IBAN before. */
  const byAmountAndPayer = async (payment: BankPayment): Promise<InvoiceCandidate[]> => {
    const { amount } = payment;
    const { rows } = await pool.query<InvoiceRow & { known_account: boolean }>(
      `WITH payers AS (
         SELECT customer_number FROM customers WHERE $3::text IS NOT NULL AND replace(upper(iban), ' ', '') = $3
         UNION SELECT i.customer_number FROM payment_allocations a JOIN bank_lines l USING (line_key) JOIN invoices i USING (invoice_number)
                WHERE $3::text IS NOT NULL AND l.counterparty_iban = $3)
       ${invoices('(b.customer_number IN (SELECT customer_number FROM payers)) AS known_account,')}
        WHERE b.outstanding > 0 AND (b.outstanding = $1::numeric AND b.currency = $2 OR b.customer_number IN (SELECT customer_number FROM payers))
        ORDER BY (b.outstanding = $1::numeric AND b.currency = $2) DESC, i.due_on, b.invoice_number LIMIT 20`,
      [toDecimal(amount), amount.currency, payment.payerIban ? normalizeAccount(payment.payerIban) : null],
    );
    return rows.map((row) => {
      const exact = row.currency === amount.currency && money(row.outstanding, row.currency).amount === amount.amount;
      const named = Boolean(payment.payerName && sameName(payment.payerName, row.company_name));
      const reasons = [
        ...(exact ? [`it still owes ${formatMoney(amount)}, the amount paid`] : []),
        ...(row.known_account ? [`${row.company_name} paid from ${payment.payerIban} before`] : []),
        ...(named ? [`the payer ${payment.payerName} is named like ${row.company_name}`] : []),
      ];
      const confidence =
        exact && row.known_account
          ? CONFIDENCE.amountAndKnownAccount
          : exact && named
            ? CONFIDENCE.amountAndName
            : exact
              ? CONFIDENCE.amountOnly
              : CONFIDENCE.payerOnly;
      return candidateOf(row, payment, reasons, confidence);
    });
  };

  return {
    /**
     * The invoices Finance chose for a payment: those ticked, and those named in the comment where they ticked
     * `ANOTHER_INVOICE`; or why they cannot take it (no such invoice, or another currency: never converted).
     */
    async invoicesChosen({
      payment,
      chosen,
      comment = '',
    }: {
      payment: BankPayment;
      chosen: string[];
      comment?: string;
    }): Promise<{ invoiceNumbers: string[]; refused?: string }> {
      const named = chosen.includes(ANOTHER_INVOICE) ? await invoiceNumbersNamed(comment) : [];
      const invoiceNumbers = [...new Set([...chosen.filter((id) => id !== ANOTHER_INVOICE), ...named])];
      if (chosen.includes(ANOTHER_INVOICE) && named.length === 0)
        return { invoiceNumbers, refused: 'no invoice number in the comment: write it as printed on the invoice (INV-000123)' };
      const { rows } = await pool.query<{ invoice_number: string; currency: string }>(
        `SELECT invoice_number, currency FROM invoices WHERE invoice_number = ANY($1)`,
        [invoiceNumbers],
      );
      const unknown = invoiceNumbers.filter((number) => !rows.some((row) => row.invoice_number === number));
      const foreign = rows.filter((row) => row.currency !== payment.amount.currency);
      const refused = [
        ...unknown.map((number) => `there is no invoice ${number}`),
        ...foreign.map(
          (row) => `${row.invoice_number} is in ${row.currency}, the payment in ${payment.amount.currency}: officeflow never converts`,
        ),
      ];
      return { invoiceNumbers, ...(refused.length ? { refused: refused.join('; ') } : {}) };
    },

    async matchPayment(payment: BankPayment): Promise<PaymentMatch> {
      const referred = await referredTo(payment);
      const scored = await byAmountAndPayer(payment);
      if (referred) {
        // Beside what the payer referred to, what else it could be: for Finance, where officeflow does not apply it.
        const others = scored.filter((c) => !referred.candidates.some((r) => r.invoiceNumber === c.invoiceNumber));
        return { ...referred, candidates: [...referred.candidates, ...others] };
      }
      // Nothing at all: the open invoices of the currency nearest the amount, for a person to choose among.
      const candidates = scored.length ? scored : await nearest(payment);
      candidates.sort((a, b) => b.confidence - a.confidence || a.invoiceNumber.localeCompare(b.invoiceNumber));
      const [best, second] = candidates;
      const clear = best && !best.refused && best.confidence > (second?.confidence ?? 0);
      return {
        candidates,
        ...(clear
          ? {
              proposal: {
                invoiceNumbers: [best.invoiceNumber],
                confidence: best.confidence,
                reason: best.reasons.join(', '),
                expected: owedBy([best]),
              },
            }
          : {}),
      };
    },
  };
}
