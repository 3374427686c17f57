import { createHash } from 'node:crypto';
import SEPA from 'sepa';
import type { CompanyProfile } from '../../contracts/billing';
import { toDecimal } from '../../contracts/money';
import type { RefundTransfer } from '../../contracts/refunds';

/** The ISO 20022 version of refund runs: pain.001.001.09, which the EPC's SEPA Credit Transfer rulebook names since 2023. */
export const PAIN_VERSION = 'pain.001.001.09';

/**
 * The id a run goes by at the bank: the message id, and the stem of its payment block's, its transfers' and their
 * end-to-end ids, which SEPA allows 35 characters each, in its character set; a run id longer than 20, or with other
 * characters (`_`), is shortened to a digest of it.
 */
export const bankIdOf = (runId: string) =>
  runId.length <= 20 && /^[A-Za-z0-9.:-]+$/.test(runId) ? runId : `RR-${createHash('sha256').update(runId).digest('hex').slice(0, 17)}`;

/** SEPA's character set (EPC217-08): latin letters, digits and `/-?:().,'+ `; anything else becomes a space. */
const sepaText = (text: string, max: number) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/[^A-Za-z0-9/\-?:().,'+ ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);

/**
 * A refund run's credit transfer file (`pain.001.001.09`), written by sepa.js: one payment block from our account,
 * one transfer per refund, each with the refund's key as its end-to-end id (which the bank's statement line of the
 * debit carries back) and the invoice in its remittance text.
 */
export function creditTransferFile(
  { runId, createdAt, executeOn }: { runId: string; createdAt: Date; executeOn: string },
  debtor: Pick<CompanyProfile, 'legalName' | 'iban' | 'bic'>,
  transfers: RefundTransfer[],
): string {
  const doc = new SEPA.Document(PAIN_VERSION);
  // sepa.js prefixes the payment block's id with this, and each transfer's with the block's.
  doc.grpHdr.id = bankIdOf(runId);
  doc.grpHdr.created = createdAt;
  doc.grpHdr.initiatorName = sepaText(debtor.legalName, 70);
  const info = doc.createPaymentInfo();
  info.id = '1';
  // sepa.js writes the date in the worker's own time zone: that zone's midnight of the day.
  const [year, month, day] = executeOn.split('-').map(Number);
  info.requestedExecutionDate = new Date(year, month - 1, day);
  info.debtorName = sepaText(debtor.legalName, 70);
  info.debtorIBAN = debtor.iban.replace(/\s/g, '');
  if (debtor.bic) info.debtorBIC = debtor.bic;
  doc.addPaymentInfo(info);
  for (const transfer of transfers) {
    const tx = info.createTransaction();
    tx.end2endId = transfer.refundKey;
    tx.creditorName = sepaText(transfer.creditorName, 70);
    tx.creditorIBAN = transfer.creditorIban;
    // sepa.js takes a number and writes it with two decimals; amounts are whole cents here, so it stays exact.
    tx.amount = Number(toDecimal(transfer.amount));
    tx.currency = transfer.amount.currency;
    tx.remittanceInfo = sepaText(`Refund invoice ${transfer.invoiceNumber}`, 140);
    info.addTransaction(tx);
  }
  return doc.toString();
}
