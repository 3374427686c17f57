import { XMLParser } from 'fast-xml-parser';
import type { BankLine, BankStatement } from '../../contracts/bank';
import { StatementError, all, kindOf, lineKeyOf, text, toMoney } from './lines';

/**
 * ISO 20022 bank-to-customer cash management messages: `camt.053` (the end-of-day statement), `camt.054` (debit and
 * credit notifications) and `camt.052` (intraday reports), in any version of the `001` variant banks send (`.02` in the
 * German DK and most banks for years, `.08` since SEPA's 2023 move): the elements officeflow reads kept their names
 * and places across versions, but for the debtor's name (`Dbtr/Nm` in `.02`, `Dbtr/Pty/Nm` since `.03`), the
 * transaction's amount (`AmtDtls/TxAmt/Amt`, and `Amt` since `.03`) and the status (`Sts` text, `Sts/Cd` since `.07`).
 */

const NAMESPACE = /^urn:iso:std:iso:20022:tech:xsd:(camt\.05[234]\.001\.\d{2})$/;

/** The report element of each message and the element of each report in it. */
const REPORTS = { BkToCstmrStmt: 'Stmt', BkToCstmrDbtCdtNtfctn: 'Ntfctn', BkToCstmrAcctRpt: 'Rpt' } as const;

const xml = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Amounts, references and ids stay text: never a float.
  parseTagValue: false,
  parseAttributeValue: false,
  // No entities are expanded (none are needed in a statement).
  processEntities: false,
  isArray: (name) => ['Stmt', 'Ntfctn', 'Rpt', 'Ntry', 'NtryDtls', 'TxDtls', 'Ustrd', 'Strd', 'Bal'].includes(name),
});

type Node = Record<string, unknown>;
const node = (value: unknown): Node => (value && typeof value === 'object' ? (value as Node) : {});
const nodes = (value: unknown): Node[] => all(value).map(node);

/** The namespace a camt file declares (`camt.053.001.08`), or undefined when it is not a camt message. */
export function camtVersion(document: string): string | undefined {
  const root = /<(?:\w+:)?Document\b[^>]*\bxmlns(?::\w+)?="([^"]+)"/.exec(document);
  return root ? NAMESPACE.exec(root[1])?.[1] : undefined;
}

/** An amount element (`<Amt Ccy="EUR">119.00</Amt>`) as Money, or a StatementError naming where it is. */
const amountAt = (value: unknown, where: string) => {
  const amount = node(value);
  return toMoney(text(amount['#text']), text(amount['@Ccy']), where);
};

/** A date element's date (`Dt`, or the day of `DtTm`). */
const dateOf = (value: unknown) => {
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
  let parsed: Node;
  try {
    parsed = node(xml.parse(document, true));
  } catch (error) {
    throw new StatementError(fileName, 'Document', `not well-formed XML: ${(error as Error).message}`);
  }
  const root = node(parsed.Document);
  const [message, reportName] = (Object.entries(REPORTS).find(([name]) => root[name]) ?? []) as [keyof typeof REPORTS, string] | [];
  if (!message || !reportName) throw new StatementError(fileName, 'Document', 'has no statement, notification or report');
  return nodes(node(root[message])[reportName]).map((report, r) => {
    const where = `${message}/${reportName}[${r + 1}]`;
    const statementId = text(report.Id);
    if (!statementId) throw new StatementError(fileName, `${where}/Id`, 'is missing');
    const accountId = node(node(report.Acct).Id);
    const account = (text(accountId.IBAN) ?? text(node(accountId.Othr).Id))?.replace(/\s/g, '').toUpperCase();
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
  const entryAmount = amountAt(entry.Amt, `${fileName}: ${where}/Amt`);
  const direction = text(entry.CdtDbtInd);
  if (direction !== 'CRDT' && direction !== 'DBIT') throw new StatementError(fileName, `${where}/CdtDbtInd`, 'must be CRDT or DBIT');
  const bookedOn = dateOf(entry.BookgDt);
  if (!bookedOn) throw new StatementError(fileName, `${where}/BookgDt`, 'is missing');
  const reversal = text(entry.RvslInd) === 'true';
  const entryCode = bankCodeOf(entry.BkTxCd);
  const entryRef = text(entry.AcctSvcrRef) ?? text(entry.NtryRef);
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
    const structured = nodes(remittance.Strd)
      .map((s) => text(node(s.CdtrRefInf).Ref))
      .find(Boolean);
    const txAmount = single
      ? entryAmount
      : amountAt(tx.Amt ?? node(node(tx.AmtDtls).TxAmt).Amt, `${fileName}: ${where}/TxDtls[${t + 1}]/Amt`);
    // The bank's own reference names a booking; without one, the statement and the entry's place in it do.
    const bookingRef = (single ? undefined : text(refs.AcctSvcrRef)) ?? (entryRef ? `${entryRef}${single ? '' : `#${t + 1}`}` : undefined);
    const bankCode = bankCodeOf(tx.BkTxCd) ?? entryCode;
    return {
      lineKey: lineKeyOf(account, bookingRef ?? `${statementId}#${e + 1}${single ? '' : `#${t + 1}`}`),
      bankReference: bookingRef ?? `${statementId} entry ${e + 1}`,
      account,
      kind: kindOf({ credit, reversal, bankCode, returned: Boolean(tx.RtrInf) }),
      amount: txAmount,
      credit,
      bookedOn,
      valueOn: dateOf(entry.ValDt),
      counterpartyName: nameOf(counterparty),
      counterpartyIban: text(counterpartyAccount.IBAN)?.replace(/\s/g, '').toUpperCase(),
      reference: structured,
      text: all(remittance.Ustrd).map(text).filter(Boolean).join(' ') || undefined,
      endToEndId: text(refs.EndToEndId) === 'NOTPROVIDED' ? undefined : text(refs.EndToEndId),
      bankCode,
    };
  });
}
