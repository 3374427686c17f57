import { readCamt } from '../../activities/bank/camt';
import { kindOf } from '../../activities/bank/lines';
import { creditorReferencesIn, invoiceNumbersIn, sameName } from '../../activities/bank/matching';
import { readMt940 } from '../../activities/bank/mt940';
import { readStatementFile } from '../../activities/bank/read';
import { type StatementToWrite, camtStatement, mt940Statement } from '../../activities/bank/stand-in';
import { creditorReference } from '../../contracts/billing';

const EUR = (cents: number) => ({ amount: cents, currency: 'EUR' });
const statement: StatementToWrite = {
  account: 'DE89370400440532013000',
  statementId: 'STMT-2026-12-06',
  bookings: [
    {
      amount: EUR(11900),
      credit: true,
      bookedOn: '2026-12-06',
      bankReference: 'BR0001',
      counterpartyName: 'Northwind Traders GmbH',
      counterpartyIban: 'DE02120300000000202051',
      reference: creditorReference('INV-000012'),
    },
    {
      amount: EUR(23800),
      credit: true,
      bookedOn: '2026-12-06',
      bankReference: 'BR0002',
      counterpartyName: 'Contoso AG',
      text: 'Rg INV-000013',
    },
    { amount: EUR(1290), credit: false, bookedOn: '2026-12-06', bankReference: 'BR0003', bankCode: 'ACMT/MDOP/CHRG', text: 'Kontoführung' },
    { amount: EUR(4711), credit: true, reversal: true, bookedOn: '2026-12-06', bankReference: 'BR0004', text: 'Storno' },
    {
      amount: EUR(9900),
      credit: false,
      bookedOn: '2026-12-06',
      bankReference: 'BR0005',
      bankCode: 'PMNT/IDDT/UPDD',
      text: 'Rücklastschrift',
    },
    {
      amount: EUR(30000),
      credit: true,
      bookedOn: '2026-12-06',
      bankReference: 'BR0006',
      transactions: [
        { amount: EUR(10000), bankReference: 'BR0006-1', counterpartyName: 'A GmbH', text: 'INV-000020' },
        { amount: EUR(20000), bankReference: 'BR0006-2', counterpartyName: 'B GmbH', text: 'INV-000021' },
      ],
    },
  ],
};

const read = (lines: ReturnType<typeof readCamt>[number]['lines']) =>
  lines.map(({ kind, amount, credit, counterpartyName, reference, text }) => ({
    kind,
    cents: amount.amount,
    credit,
    counterpartyName,
    reference,
    text,
  }));

describe('camt statements', () => {
  it.each(['08', '02'] as const)('reads camt.053.001.%s: each booked transaction a line, of the kind its codes say', (version) => {
    const [read053] = readCamt(camtStatement(statement, { version }), 'statement.xml');
    expect(read053).toMatchObject({ format: `camt.053.001.${version}`, statementId: 'STMT-2026-12-06', account: 'DE89370400440532013000' });
    expect(read(read053.lines)).toEqual([
      { kind: 'payment', cents: 11900, credit: true, counterpartyName: 'Northwind Traders GmbH', reference: 'RF63INV000012' },
      { kind: 'payment', cents: 23800, credit: true, counterpartyName: 'Contoso AG', text: 'Rg INV-000013' },
      { kind: 'charges', cents: 1290, credit: false, text: 'Kontoführung' },
      { kind: 'reversal', cents: 4711, credit: true, text: 'Storno' },
      { kind: 'returned-direct-debit', cents: 9900, credit: false, text: 'Rücklastschrift' },
      { kind: 'payment', cents: 10000, credit: true, counterpartyName: 'A GmbH', text: 'INV-000020' },
      { kind: 'payment', cents: 20000, credit: true, counterpartyName: 'B GmbH', text: 'INV-000021' },
    ]);
  });

  it('names a booking the same in a camt.053, a camt.054 of it, and another version: imported once', () => {
    const keys = (content: string) => readCamt(content, 'f.xml')[0].lines.map((line) => line.lineKey);
    const of053 = keys(camtStatement(statement));
    expect(keys(camtStatement(statement, { notification: true }))).toEqual(of053);
    expect(keys(camtStatement({ ...statement, statementId: 'OVERLAPPING' }, { version: '02' }))).toEqual(of053);
    expect(new Set(of053).size).toBe(of053.length);
  });

  it('reads what real banks write: more namespaces, placeholders for references, several RF references, escapes', () => {
    const bank = camtStatement(statement, { version: '02' })
      .replace(
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">',
        `<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.02' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`,
      )
      .replace(/<AcctSvcrRef>BR000[12]<\/AcctSvcrRef>/g, '<AcctSvcrRef>NOTPROVIDED</AcctSvcrRef>')
      .replace(
        '<Ref>RF63INV000012</Ref></CdtrRefInf></Strd>',
        '<Ref>RF63INV000012</Ref></CdtrRefInf></Strd><Strd><CdtrRefInf><Ref>RF29INV000042</Ref></CdtrRefInf></Strd>',
      )
      .replace('<Nm>Contoso AG</Nm>', '<Nm>M&#252;ller &amp; S&#246;hne KG</Nm>')
      .replace('<RvslInd>true</RvslInd>', '<RvslInd>1</RvslInd>');
    const [read02] = readCamt(bank, 'bank.xml');
    expect(read02.format).toBe('camt.053.001.02');
    const [first, second] = read02.lines;
    expect(first.reference).toBe('RF63INV000012 RF29INV000042');
    expect(second.counterpartyName).toBe('Müller & Söhne KG');
    // Without a reference of the bank's, the statement and the place name a booking: two, not one.
    expect(first.bankReference).toBe('STMT-2026-12-06 entry 1');
    expect(new Set(read02.lines.map((line) => line.lineKey)).size).toBe(read02.lines.length);
    expect(read02.lines[3].kind).toBe('reversal');
    expect(() =>
      readCamt(bank.replace('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "x">]>'), 'dtd.xml'),
    ).toThrow('dtd.xml: DOCTYPE is not allowed in a statement');
  });

  it('skips a pending entry and refuses what it cannot read, naming the element', () => {
    const pending = camtStatement(statement).replace('<Cd>BOOK</Cd>', '<Cd>PDNG</Cd>');
    expect(readCamt(pending, 'f.xml')[0].lines).toHaveLength(6);
    const entryAmount = (amount: string) => camtStatement(statement).replace('<Amt Ccy="EUR">119.00</Amt>', amount);
    expect(() => readCamt(entryAmount('<Amt Ccy="EUR">-119</Amt>'), 'f.xml')).toThrow(
      'f.xml: BkToCstmrStmt/Stmt[1]/Ntry[1]/Amt is not an amount officeflow books: -119 EUR',
    );
    expect(() => readCamt(entryAmount('<Amt Ccy="EUR">99999999999999.99</Amt>'), 'f.xml')).toThrow(/Amt is not an amount officeflow books/);
    expect(() => readCamt(entryAmount('<Amt Ccy="BHD">1.250</Amt>'), 'f.xml')).toThrow(/Amt is not an amount officeflow books: 1.250 BHD/);
    expect(() =>
      readCamt(camtStatement(statement).replace('<BookgDt><Dt>2026-12-06</Dt>', '<BookgDt><Dt>2026-02-31</Dt>'), 'f.xml'),
    ).toThrow('f.xml: BkToCstmrStmt/Stmt[1]/Ntry[1]/BookgDt is not a date: 2026-02-31');
    expect(() => readCamt(camtStatement(statement).replace(/<BookgDt>.*?<\/BookgDt>/, ''), 'f.xml')).toThrow(
      'f.xml: BkToCstmrStmt/Stmt[1]/Ntry[1]/BookgDt is not a date: none',
    );
    expect(() => readCamt(camtStatement(statement).replace(/<Stmt>[^]*<\/Stmt>/, ''), 'f.xml')).toThrow('f.xml: Document has no statement');
  });
});

describe('MT940 statements', () => {
  it('reads the lines and the DK’s field 86: purpose, name and IBAN', () => {
    const [read940] = readMt940(mt940Statement(statement), 'statement.sta');
    expect(read940.account).toBe('DE89370400440532013000');
    expect(read(read940.lines).slice(0, 5)).toEqual([
      { kind: 'payment', cents: 11900, credit: true, counterpartyName: 'Northwind Traders GmbH', text: 'RF63INV000012' },
      { kind: 'payment', cents: 23800, credit: true, counterpartyName: 'Contoso AG', text: 'Rg INV-000013' },
      { kind: 'charges', cents: 1290, credit: false, text: 'Kontoführung' },
      { kind: 'reversal', cents: 4711, credit: false, text: 'Storno' },
      { kind: 'returned-direct-debit', cents: 9900, credit: false, text: 'Rücklastschrift' },
    ]);
    expect(read940.lines[0].counterpartyIban).toBe('DE02120300000000202051');
  });

  it('reads a file in Windows-1252, as many banks still write MT940', async () => {
    const latin = Buffer.from(
      mt940Statement({ ...statement, bookings: [{ ...statement.bookings[1], counterpartyName: 'Müller & Söhne' }] }),
      'latin1',
    );
    // MT940 has no schema to check against.
    const noSchemas = { check: async () => ({}) };
    const { statements } = await readStatementFile('latin.sta', latin, noSchemas);
    expect(statements[0].lines[0].counterpartyName).toBe('Müller & Söhne');
  });

  it('refuses a statement whose balances do not add up', () => {
    expect(() => readMt940(mt940Statement(statement).replace(':62F:C', ':62F:D'), 'bad.sta')).toThrow(/^bad\.sta: MT940 cannot be read: /);
  });
});

describe('what a payment refers to', () => {
  const reference = creditorReference('INV-000042');

  it('finds RF references whose check digits hold, printed in groups or not, and not the words after them', () => {
    const grouped = reference.match(/.{1,4}/g)!.join(' ');
    expect(creditorReferencesIn(`Payment ${grouped} thanks`)).toEqual([reference]);
    expect(creditorReferencesIn(`ref:${reference.toLowerCase()}`)).toEqual([reference]);
    expect(creditorReferencesIn(`RF00INV000042 RF12`)).toEqual([]);
    // Every reading whose check digits hold, where the words after it could belong to it: the invoices decide.
    expect(creditorReferencesIn(`${reference} OK`)).toContain(reference);
  });

  it('finds invoice numbers however the payer wrote them', () => {
    expect(invoiceNumbersIn('Rechnung INV-000042, inv 000043 und INV00044', 'INV-')).toEqual(['INV-000042', 'INV-000043', 'INV-000044']);
    // Not a number copied from an invoice: a year, a count, a word.
    expect(invoiceNumbersIn('Inv 2024-0815, INV 1 of 3, INVOICE 12', 'INV-')).toEqual([]);
  });

  it('takes a payer for the customer when their names agree, legal forms and case aside', () => {
    expect(sameName('NORTHWIND TRADERS', 'Northwind Traders GmbH')).toBe(true);
    expect(sameName('Müller & Söhne KG', 'Mueller Soehne')).toBe(false);
    expect(sameName('Muller und Sohne', 'Müller & Söhne KG')).toBe(true);
    expect(sameName('Contoso AG', 'Northwind Traders GmbH')).toBe(false);
  });

  it('reads the bank’s codes: charges, interest, returned direct debits', () => {
    expect(kindOf({ credit: false, reversal: false, bankCode: 'NCHG' })).toBe('charges');
    expect(kindOf({ credit: true, reversal: false, bankCode: 'ACMT/MCOP/INTR' })).toBe('other-credit');
    expect(kindOf({ credit: false, reversal: false, bankCode: 'NRTI' })).toBe('returned-direct-debit');
    expect(kindOf({ credit: true, reversal: false, bankCode: 'PMNT/RCDT/ESCT' })).toBe('payment');
  });
});
