import { XMLParser } from 'fast-xml-parser';
import { validateXML } from 'xmllint-wasm';
import { bankIdOf, creditTransferFile } from '../../activities/bank/payment-file';
import type { RefundTransfer } from '../../contracts/refunds';
import { nearestPainSchema } from '../support/iso20022';

/** A refund run's credit transfer file, as sepa.js writes it for officeflow: what the bank reads of it. */

const debtor = { legalName: 'Officeflow Demo GmbH', iban: 'DE89 3704 0044 0532 0130 00', bic: 'COBADEFFXXX' };
const transfer = (refundKey: string, amount: number, creditorName = 'Northwind Traders GmbH'): RefundTransfer => ({
  refundKey,
  invoiceNumber: 'INV-000042',
  customerNumber: 'C-1001',
  creditorName,
  creditorIban: 'DE02120300000000202051',
  amount: { amount, currency: 'EUR' },
});
const written = (runId: string, transfers: RefundTransfer[]) =>
  creditTransferFile({ runId, createdAt: new Date('2026-12-06T10:00:00Z'), executeOn: '2026-12-07' }, debtor, transfers);
const read = (xml: string) => new XMLParser({ parseTagValue: false }).parse(xml).Document.CstmrCdtTrfInitn;

it('totals the transfers to the cent, from our account, on the execution date asked', () => {
  const initiation = read(written('RR-1', [transfer('RR-1-1', 1), transfer('RR-1-2', 33_333), transfer('RR-1-3', 10)]));
  expect(initiation.GrpHdr).toMatchObject({ MsgId: 'RR-1', NbOfTxs: '3', CtrlSum: '333.44' });
  expect(initiation.PmtInf).toMatchObject({
    PmtMtd: 'TRF',
    ReqdExctnDt: { Dt: '2026-12-07' },
    DbtrAcct: { Id: { IBAN: 'DE89370400440532013000' } },
    DbtrAgt: { FinInstnId: { BICFI: 'COBADEFFXXX' } },
  });
  expect(initiation.PmtInf.CdtTrfTxInf.map((t: { Amt: { InstdAmt: string } }) => t.Amt.InstdAmt)).toEqual(['0.01', '333.33', '0.10']);
});

it('writes names in SEPA’s character set and keeps every id within 35 characters', () => {
  const runId = 'refund-run-for-the-whole-month-of-december-2026';
  const initiation = read(written(runId, [transfer(`${bankIdOf(runId)}-1`, 1000, 'Müller & Söhne Straße GmbH')]));
  const tx = initiation.PmtInf.CdtTrfTxInf;
  expect(tx.Cdtr.Nm).toBe('Muller Sohne Strasse GmbH');
  for (const id of [initiation.GrpHdr.MsgId, initiation.PmtInf.PmtInfId, tx.PmtId.InstrId, tx.PmtId.EndToEndId])
    expect(id.length).toBeLessThanOrEqual(35);
  // The same run always goes by the same id at the bank; one with a character SEPA does not take goes by its digest.
  expect(initiation.GrpHdr.MsgId).toBe(bankIdOf(runId));
  expect([bankIdOf('RR-2026-12'), bankIdOf('RR_2026_12')]).toEqual(['RR-2026-12', expect.stringMatching(/^RR-[0-9a-f]{17}$/)]);
});

it('writes a file whose structure the ISO 20022 schema accepts', async () => {
  const schema = await nearestPainSchema();
  const xml = written('RR-2', [transfer('RR-2-1', 11_900), transfer('RR-2-2', 1000)]);
  const checked = await validateXML({ xml: [{ fileName: 'run.xml', contents: schema.asItsVersion(xml) }], schema: [schema.file] });
  expect(checked.errors).toEqual([]);
});
