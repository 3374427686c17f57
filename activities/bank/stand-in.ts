import { type Money, toDecimal } from '../../contracts/money';

/**
 * A bank for tests and the demo: it writes the statements a real bank sends for the bookings it is given, in camt.053
 * (`.001.02` as most banks have sent for years, `.001.08` as SEPA's 2023 move has them), camt.054 and MT940 (the
 * German DK's field 86). Nothing of officeflow's reading is used to write them.
 */

/** One booking on our account as the bank books it. */
export interface Booking {
  amount: Money;
  credit: boolean;
  reversal?: boolean;
  bookedOn: string;
  /** The bank's reference of the booking (the account servicer's reference). */
  bankReference: string;
  /** ISO's domain/family/sub-family (`PMNT/RCDT/ESCT`); SWIFT's type for MT940 (`NTRF`, `NCHG`) is derived from it. */
  bankCode?: string;
  counterpartyName?: string;
  counterpartyIban?: string;
  /** A structured creditor reference (`CdtrRefInf`, type SCOR). */
  reference?: string;
  /** Unstructured remittance text. */
  text?: string;
  endToEndId?: string;
  /** A batch booking: one entry, several transactions, each with its own payer and text. */
  transactions?: Array<Omit<Booking, 'bookedOn' | 'transactions' | 'credit' | 'reversal' | 'bankCode'>>;
}

export interface StatementToWrite {
  account: string;
  statementId: string;
  /** Created at (defaults to the last booking's day). */
  createdAt?: string;
  bookings: Booking[];
}

const xml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const element = (name: string, value: string | undefined) => (value === undefined ? '' : `<${name}>${xml(value)}</${name}>`);
const amountOf = (name: string, money: Money) => `<${name} Ccy="${money.currency}">${toDecimal(money)}</${name}>`;

/** The closing balance of the bookings, from zero, for the statement's balance. */
function closing(bookings: Booking[]): Money {
  const currency = bookings[0]?.amount.currency ?? 'EUR';
  const amount = bookings.reduce((sum, b) => sum + (b.credit !== Boolean(b.reversal) ? b.amount.amount : -b.amount.amount), 0);
  return { amount, currency };
}

const bankCodeXml = (code = 'PMNT/RCDT/ESCT') => {
  const [domain, family, sub] = code.split('/');
  return `<BkTxCd><Domn><Cd>${domain}</Cd><Fmly><Cd>${family}</Cd><SubFmlyCd>${sub}</SubFmlyCd></Fmly></Domn></BkTxCd>`;
};

/** A camt.053 statement (`version` `02` or `08`), or with `notification` a camt.054 of the same bookings. */
export function camtStatement(
  statement: StatementToWrite,
  { version = '08', notification = false }: { version?: '02' | '08'; notification?: boolean } = {},
): string {
  const v08 = version === '08';
  const message = notification ? 'camt.054' : 'camt.053';
  const createdAt = statement.createdAt ?? `${statement.bookings.at(-1)?.bookedOn ?? '2026-12-06'}T18:00:00`;
  const party = (name?: string) => (name ? (v08 ? `<Pty><Nm>${xml(name)}</Nm></Pty>` : `<Nm>${xml(name)}</Nm>`) : '');
  const transaction = (t: NonNullable<Booking['transactions']>[number], credit: boolean, single: boolean, entryAmount: Money) => {
    const who = credit ? ['Dbtr', 'DbtrAcct'] : ['Cdtr', 'CdtrAcct'];
    const amount = single ? entryAmount : t.amount;
    return `<TxDtls>
          <Refs>${element('AcctSvcrRef', single ? undefined : t.bankReference)}${element('EndToEndId', t.endToEndId ?? 'NOTPROVIDED')}</Refs>
          ${v08 ? amountOf('Amt', amount) : `<AmtDtls><TxAmt>${amountOf('Amt', amount)}</TxAmt></AmtDtls>`}
          ${
            t.counterpartyName || t.counterpartyIban
              ? `<RltdPties>${t.counterpartyName ? `<${who[0]}>${party(t.counterpartyName)}</${who[0]}>` : ''}${
                  t.counterpartyIban ? `<${who[1]}><Id><IBAN>${t.counterpartyIban}</IBAN></Id></${who[1]}>` : ''
                }</RltdPties>`
              : ''
          }
          ${
            t.text || t.reference
              ? `<RmtInf>${element('Ustrd', t.text)}${
                  t.reference
                    ? `<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>${element('Ref', t.reference)}</CdtrRefInf></Strd>`
                    : ''
                }</RmtInf>`
              : ''
          }
        </TxDtls>`;
  };
  const entries = statement.bookings.map((b) => {
    const transactions = b.transactions ?? [b];
    return `<Ntry>
      ${amountOf('Amt', b.amount)}
      <CdtDbtInd>${b.credit ? 'CRDT' : 'DBIT'}</CdtDbtInd>
      ${b.reversal ? '<RvslInd>true</RvslInd>' : ''}
      <Sts>${v08 ? '<Cd>BOOK</Cd>' : 'BOOK'}</Sts>
      <BookgDt><Dt>${b.bookedOn}</Dt></BookgDt>
      <ValDt><Dt>${b.bookedOn}</Dt></ValDt>
      ${element('AcctSvcrRef', b.bankReference)}
      ${bankCodeXml(b.bankCode)}
      <NtryDtls>${transactions.map((t) => transaction(t, b.credit, !b.transactions, b.amount)).join('')}</NtryDtls>
    </Ntry>`;
  });
  const balance = closing(statement.bookings);
  const balanceXml = `<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>${amountOf('Amt', { ...balance, amount: Math.abs(balance.amount) })}<CdtDbtInd>${
    balance.amount < 0 ? 'DBIT' : 'CRDT'
  }</CdtDbtInd><Dt><Dt>${createdAt.slice(0, 10)}</Dt></Dt></Bal>`;
  const [root, report] = notification ? ['BkToCstmrDbtCdtNtfctn', 'Ntfctn'] : ['BkToCstmrStmt', 'Stmt'];
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:${message}.001.${version}">
  <${root}>
    <GrpHdr><MsgId>${xml(statement.statementId)}-MSG</MsgId><CreDtTm>${createdAt}</CreDtTm></GrpHdr>
    <${report}>
      <Id>${xml(statement.statementId)}</Id>
      <CreDtTm>${createdAt}</CreDtTm>
      <Acct><Id><IBAN>${statement.account}</IBAN></Id></Acct>
      ${notification ? '' : balanceXml}
      ${entries.join('\n      ')}
    </${report}>
  </${root}>
</Document>
`;
}

/** SWIFT's transaction type for a booking: charges, a returned item, else a transfer. */
const swiftType = (code = '') => (/CHRG$/.test(code) ? 'NCHG' : /UPDD$/.test(code) ? 'NRTI' : /INTR$/.test(code) ? 'NINT' : 'NTRF');

/** An MT940 statement of the bookings, field 86 as the German DK structures it (`?20` purpose lines, `?31` IBAN, `?32` name). */
export function mt940Statement(statement: StatementToWrite): string {
  const yymmdd = (date: string) => date.slice(2).replace(/-/g, '');
  const amount = (money: Money) => toDecimal(money).replace('.', ',');
  const currency = statement.bookings[0]?.amount.currency ?? 'EUR';
  const first = statement.bookings[0]?.bookedOn ?? '2026-12-06';
  const last = statement.bookings.at(-1)?.bookedOn ?? first;
  const balance = closing(statement.bookings);
  const lines = statement.bookings.flatMap((b) => {
    const mark = `${b.reversal ? 'R' : ''}${b.credit ? 'C' : 'D'}`;
    const purpose = [
      b.endToEndId ? `EREF+${b.endToEndId}` : '',
      b.reference ? `SVWZ+${b.reference} ${b.text ?? ''}` : b.text ? `SVWZ+${b.text}` : '',
    ]
      .filter(Boolean)
      .join(' ')
      .trim();
    // Purpose lines of 27 characters each, ?20 to ?29.
    const chunks = purpose.match(/.{1,27}/g) ?? [];
    const details =
      `166?00${b.credit ? 'GUTSCHRIFT' : 'LASTSCHRIFT'}` +
      chunks
        .slice(0, 10)
        .map((chunk, i) => `?2${i}${chunk}`)
        .join('') +
      (b.counterpartyIban ? `?31${b.counterpartyIban}` : '') +
      (b.counterpartyName ? `?32${b.counterpartyName.slice(0, 27)}` : '');
    return [
      `:61:${yymmdd(b.bookedOn)}${yymmdd(b.bookedOn).slice(2)}${mark}${amount(b.amount)}${swiftType(b.bankCode)}NONREF//${b.bankReference.slice(0, 16)}`,
      // Field 86 in lines of 65 characters at most.
      `:86:${details}`.match(/.{1,65}/g)!.join('\r\n'),
    ];
  });
  return [
    `:20:${statement.statementId.slice(0, 16)}`,
    `:25:${statement.account}`,
    `:28C:${statement.statementId.replace(/\D/g, '').slice(-5).padStart(5, '0')}/001`,
    `:60F:C${yymmdd(first)}${currency}0,00`,
    ...lines,
    `:62F:${balance.amount < 0 ? 'D' : 'C'}${yymmdd(last)}${currency}${amount({ amount: Math.abs(balance.amount), currency })}`,
    '-',
    '',
  ].join('\r\n');
}
