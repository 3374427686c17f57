import { Parser } from 'mt940js';
import type { BankStatement } from '../../contracts/bank';
import { minorDigits } from '../../contracts/money';
import { StatementError, genuine, kindOf, lineKeyOf, normalizeAccount, placedBooking, text, toMoney } from './lines';

/**
 * SWIFT MT940 customer statements, through `mt940js` (which checks the required tags and that opening balance and
 * turnover add up to the closing balance). Field 86 is free text that banks structure their own ways; read here: the
 * German DK's `?20`–`?29` purpose lines with their SEPA keywords (`EREF+`, `SVWZ+`), `?31` IBAN and `?32`/`?33` name,
 * and the `/TAG/value` style (`/NAME/`, `/IBAN/`, `/REMI/`, `/EREF/`) of Dutch and SWIFT-style banks.
 */

/** Whether a file looks like MT940: its first tag is `:20:`, perhaps after SWIFT's message blocks. */
export const isMt940 = (content: string) => /^(\{[^]*?\}\s*)?:20:/m.test(content.trimStart().slice(0, 500));

/** The SEPA keywords of a German purpose text, each with what follows it up to the next. */
const SEPA_KEYWORDS = /(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE)\+/g;
const keywordsOf = (purpose: string) => {
  const found: Record<string, string> = {};
  const marks = [...purpose.matchAll(SEPA_KEYWORDS)];
  marks.forEach((mark, i) => {
    found[mark[1]] = purpose.slice(mark.index! + mark[0].length, marks[i + 1]?.index ?? purpose.length).trim();
  });
  return found;
};

/** Payer, IBAN, remittance text and end-to-end id from field 86, as far as the bank structured it. */
function detailsOf(details: string | undefined, structured: Record<string, string> | undefined) {
  const field = (...tags: string[]) =>
    tags
      .map((tag) => structured?.[tag])
      .filter(Boolean)
      .join('') || undefined;
  if (structured && ['20', '32', '31'].some((tag) => tag in structured)) {
    const purpose = field('20', '21', '22', '23', '24', '25', '26', '27', '28', '29', '60', '61', '62', '63') ?? '';
    const keywords = keywordsOf(purpose);
    return {
      name: field('32', '33'),
      iban: field('31'),
      text: keywords.SVWZ ?? (Object.keys(keywords).length ? undefined : purpose) ?? undefined,
      endToEndId: keywords.EREF,
    };
  }
  if (structured && ['NAME', 'REMI', 'IBAN', 'EREF'].some((tag) => tag in structured)) {
    return {
      name: field('NAME'),
      iban: field('IBAN'),
      // `/REMI/USTD//text/`: the unstructured remittance after its code.
      text: field('REMI')
        ?.replace(/^USTD\/\//, '')
        .replace(/\/$/, ''),
      endToEndId: field('EREF'),
    };
  }
  return { text: text(details?.replace(/\n/g, ' ')) };
}

/** mt940js's dates are UTC midnights. */
const isoDay = (date: Date | '') => (date ? date.toISOString().slice(0, 10) : undefined);

/** Reads an MT940 file's statements (a file may hold several) as lines. */
export function readMt940(content: string, fileName: string): BankStatement[] {
  let statements;
  try {
    statements = new Parser().parse(content);
  } catch (error) {
    // mt940js names the tag or the check that failed.
    throw new StatementError(fileName, 'MT940', `cannot be read: ${(error as Error).message}`);
  }
  if (statements.length === 0) throw new StatementError(fileName, 'MT940', 'holds no statement');
  return statements.map((statement, s) => {
    // Tag 25 is the account: an IBAN, perhaps with its currency after it, or the bank's own account number.
    const account = normalizeAccount(statement.accountIdentification).replace(/^([A-Z]{2}\d{2}[A-Z0-9]+?)([A-Z]{3})?$/, '$1');
    const statementId = [statement.transactionReference, statement.number.statement, statement.number.sequence].filter(Boolean).join('/');
    const lines = statement.transactions.map((transaction, t) => {
      const where = `statement ${s + 1} :61:[${t + 1}]`;
      const credit = transaction.amount > 0;
      // mt940js reads amounts as numbers: written back with the currency's decimals, whose count toMoney checks.
      const digits = /^[A-Z]{3}$/.test(transaction.currency) ? minorDigits(transaction.currency) : 2;
      const amount = toMoney(Math.abs(transaction.amount).toFixed(digits), transaction.currency, fileName, where);
      const details = detailsOf(transaction.details, transaction.structuredDetails);
      const bankReference = genuine(text(transaction.bankReference));
      const bookedOn = (isoDay(transaction.entryDate) ?? isoDay(transaction.date))!;
      return {
        lineKey: lineKeyOf(account, bankReference ?? placedBooking(statementId, String(t + 1), { bookedOn, credit, amount })),
        bankReference: bankReference ?? `${statementId} line ${t + 1}`,
        account,
        kind: kindOf({ credit, reversal: transaction.isReversal, bankCode: transaction.transactionType }),
        amount,
        credit,
        bookedOn,
        valueOn: isoDay(transaction.date),
        counterpartyName: text(details.name),
        counterpartyIban: text(details.iban) && normalizeAccount(text(details.iban)!),
        text: text(details.text),
        endToEndId: text(details.endToEndId),
        // The customer's reference in :61: (`NONREF` when none).
        ...(genuine(text(transaction.reference)) ? { reference: text(transaction.reference) } : {}),
        bankCode: transaction.transactionType,
      };
    });
    return { format: 'mt940', statementId, account, lines };
  });
}
