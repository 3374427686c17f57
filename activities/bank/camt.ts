import { XMLParser } from 'fast-xml-parser';
import type { BankLine, BankStatement } from '../../contracts/bank';
import { StatementError, all, genuine, kindOf, lineKeyOf, normalizeAccount, placedBooking, text, toDay, toMoney } from './lines';

/**
 * ISO 20022 bank-to-customer cash management messages: `camt.053` (the end-of-day statement), `camt.054` (debit and
 * credit notifications) and `camt.052` (intraday reports), in any version of the `001` variant banks send (`.02` in the
 * German DK and most banks for years, `.08` since SEPA's 2023 move): the elements officeflow reads kept their names
 * and places across versions, but for the debtor's name (`Dbtr/Nm` in `.02`, `Dbtr/Pty/Nm` since `.03`), the
 * transaction's amount (`AmtDtls/TxAmt/Amt`, and `Amt` since `.03`) and the status (`Sts` text, `Sts/Cd` since `.07`).
 */

/** The camt namespace among a root element's namespace declarations (a bank adds `xmlns:xsi` and others beside it). */
const NAMESPACE = /\bxmlns(?::\w+)?\s*=\s*["']urn:iso:std:iso:20022:tech:xsd:(camt\.05[234]\.001\.\d{2})["']/;

/** The report element of each message and the element of each report in it. */
const REPORTS = { BkToCstmrStmt: 'Stmt', BkToCstmrDbtCdtNtfctn: 'Ntfctn', BkToCstmrAcctRpt: 'Rpt' } as const;

const xml = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Amounts, references and ids stay text: never a float.
  parseTagValue: false,
  parseAttributeValue: false,
  // XML's own escapes (`&amp;`, `&#228;`); a document type, which could declare more, is refused before parsing.
  processEntities: true,
  // Character references (`&#228;`) too, as XML has them.
  htmlEntities: true,
  isArray: (name) => ['Stmt', 'Ntfctn', 'Rpt', 'Ntry', 'NtryDtls', 'TxDtls', 'Ustrd', 'Strd', 'Bal'].includes(name),
});

type Node = Record<string, unknown>;
const node = (value: unknown): Node => (value && typeof value === 'object' ? (value as Node) : {});
const nodes = (value: unknown): Node[] => all(value).map(node);

/** The namespace a camt file declares (`camt.053.001.08`), or undefined when it is not a camt message. */
export function camtVersion(document: string): string | undefined {
  const root = /<(?:\w+:)?Document\b[^>]*>/.exec(document);
  return root ? NAMESPACE.exec(root[0])?.[1] : undefined;
}

/** An amount element (`<Amt Ccy="EUR">119.00</Amt>`) as Money, or a StatementError naming it. */
const amountAt = (value: unknown, fileName: string, element: string) => {
  const amount = node(value);
  return toMoney(text(amount['#text']), text(amount['@Ccy']), fileName, element);
};

/** A date element's day (`Dt`, or the day of `DtTm`), if it has one. */
const dayOf = (value: unknown) => {
  const date = node(value);
  return (text(date.Dt) ?? text(date.DtTm))?.slice(0, 10);
};

/** The bank's transaction code: ISO's `Domn/Fmly/SubFmlyCd`, else the proprietary code. */
const bankCodeOf = (value: unknown) => {
  const code = node(value);
  const domain = node(code.Domn);
  const family = node(domain.Fmly);
  return domain.Cd ? [domain.Cd, family.Cd, family.SubFmlyCd].map(text).filter(Boolean).join('/') : text(node(code.Prtry).Cd);
};

/** A party's name: `Nm` in `.02`, `Pty/Nm` since. */
const nameOf = (party: unknown) => text(node(party).Nm) ?? text(node(node(party).Pty).Nm);

/** Reads a camt.052, .053 or .054 message's booked entries as lines: one per transaction of a batch. */
export function readCamt(document: string, fileName: string): BankStatement[] {
  const format = camtVersion(document);
  if (!format) throw new StatementError(fileName, 'Document', 'not an ISO 20022 camt.052, camt.053 or camt.054 message');
  // No statement needs a document type, whose entities could expand a small file into a huge one.
  if (/<!DOCTYPE/i.test(document)) throw new StatementError(fileName, 'DOCTYPE', 'is not allowed in a statement');
  let parsed: Node;
  try {
    parsed = node(xml.parse(document, true));
  } catch (error) {
    throw new StatementError(fileName, 'Document', `not well-formed XML: ${(error as Error).message}`);
  }
  const root = node(parsed.Document);
  const [message, reportName] = (Object.entries(REPORTS).find(([name]) => root[name]) ?? []) as [keyof typeof REPORTS, string] | [];
  const reports = message && reportName ? nodes(node(root[message])[reportName]) : [];
  if (!message || reports.length === 0) throw new StatementError(fileName, 'Document', 'has no statement, notification or report');
  return reports.map((report, r) => {
    const where = `${message}/${reportName}[${r + 1}]`;
    const statementId = text(report.Id);
    if (!statementId) throw new StatementError(fileName, `${where}/Id`, 'is missing');
    const accountId = node(node(report.Acct).Id);
    const given = text(accountId.IBAN) ?? text(node(accountId.Othr).Id);
    const account = given && normalizeAccount(given);
    if (!account) throw new StatementError(fileName, `${where}/Acct/Id`, 'names no account');
    const lines = nodes(report.Ntry).flatMap((entry, e) =>
      readEntry(entry, `${where}/Ntry[${e + 1}]`, { fileName, account, statementId, e }),
    );
    return { format, statementId, account, lines };
  });
}

/** An entry's transactions as lines; a pending entry (`Sts` other than `BOOK`) is not yet booked and not read. */
function readEntry(
  entry: Node,
  where: string,
  { fileName, account, statementId, e }: { fileName: string; account: string; statementId: string; e: number },
): BankLine[] {
  const status = text(entry.Sts) ?? text(node(entry.Sts).Cd);
  if (status !== 'BOOK') return [];
  const entryAmount = amountAt(entry.Amt, fileName, `${where}/Amt`);
  const direction = text(entry.CdtDbtInd);
  if (direction !== 'CRDT' && direction !== 'DBIT') throw new StatementError(fileName, `${where}/CdtDbtInd`, 'must be CRDT or DBIT');
  const bookedOn = toDay(dayOf(entry.BookgDt), fileName, `${where}/BookgDt`);
  const valued = dayOf(entry.ValDt);
  const valueOn = valued && toDay(valued, fileName, `${where}/ValDt`);
  // XML Schema's booleans: `true` or `1`.
  const reversal = ['true', '1'].includes(text(entry.RvslInd) ?? '');
  const entryCode = bankCodeOf(entry.BkTxCd);
  // The account servicer's reference names a booking in every statement; an entry's own reference (`NtryRef`) only
  // within its statement.
  const servicerRef = genuine(text(entry.AcctSvcrRef));
  const place = genuine(text(entry.NtryRef)) ?? String(e + 1);
  const transactions = nodes(entry.NtryDtls).flatMap((details) => nodes(details.TxDtls));
  const single = transactions.length <= 1;
  return (single ? [transactions[0] ?? {}] : transactions).map((tx, t) => {
    const refs = node(tx.Refs);
    const parties = node(tx.RltdPties);
    const credit = direction === 'CRDT';
    // The payer of a credit is the debtor; the payee of a debit the creditor.
    const counterparty = credit ? parties.Dbtr : parties.Cdtr;
    const counterpartyAccount = node(node(credit ? parties.DbtrAcct : parties.CdtrAcct).Id);
    const remittance = node(tx.RmtInf);
    // Every structured reference: one transfer may pay several invoices, each by its RF reference.
    const structured = nodes(remittance.Strd)
      .map((s) => text(node(s.CdtrRefInf).Ref))
      .filter(Boolean)
      .join(' ');
    const amount = single ? entryAmount : amountAt(tx.Amt ?? node(node(tx.AmtDtls).TxAmt).Amt, fileName, `${where}/TxDtls[${t + 1}]/Amt`);
    const batch = single ? '' : `#${t + 1}`;
    const bankRef = (single ? undefined : genuine(text(refs.AcctSvcrRef))) ?? (servicerRef && `${servicerRef}${batch}`);
    const bankCode = bankCodeOf(tx.BkTxCd) ?? entryCode;
    return {
      lineKey: lineKeyOf(account, bankRef ?? placedBooking(statementId, `${place}${batch}`, { bookedOn, credit, amount })),
      bankReference: bankRef ?? `${statementId} entry ${place}${batch}`,
      account,
      kind: kindOf({ credit, reversal, bankCode, returned: Boolean(tx.RtrInf) }),
      amount,
      credit,
      bookedOn,
      valueOn,
      counterpartyName: nameOf(counterparty),
      counterpartyIban: text(counterpartyAccount.IBAN) && normalizeAccount(text(counterpartyAccount.IBAN)!),
      reference: structured || undefined,
      text: all(remittance.Ustrd).map(text).filter(Boolean).join(' ') || undefined,
      endToEndId: genuine(text(refs.EndToEndId)),
      bankCode,
    };
  });
}
