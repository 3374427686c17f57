import { createHash } from 'node:crypto';
import { linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { isSEPACountry, isValidIBAN } from 'ibantools';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { company } from '../../config/company';
import { type Money, money, sum, toDecimal } from '../../contracts/money';
import type { PreparedRefundRun, RefundLeftOut, RefundTransfer } from '../../contracts/refunds';
import { inTransaction } from '../../db/transaction';
import { postEntry } from '../back-office/ledger';
import { keepDocument, readDocument } from '../documents/store';
import { PAIN_VERSION, bankIdOf, creditTransferFile } from './payment-file';
import { iso20022Schemas } from './schemas';

/** The lock every claim on what customers are owed back takes (refund runs, card refunds). */
export const REFUND_CLAIMS_LOCK = 'officeflow:refund-claims';

/** SEPA credit transfers are in euro only. */
const SEPA_CURRENCY = 'EUR';

const documentKeyOf = (runId: string) => `payment-runs/${runId}.xml`;

interface RunRow {
  status: string;
  document_key: string | null;
  checked_against: string | null;
}

/** A run as it was prepared, read back: a retried step answers what the first prepared. */
async function preparedRun(db: PoolClient, runId: string, run: RunRow): Promise<PreparedRefundRun> {
  const { rows } = await db.query<{
    refund_key: string;
    invoice_number: string;
    customer_number: string;
    creditor_name: string;
    creditor_iban: string;
    amount: string;
    currency: string;
  }>(
    `SELECT refund_key, invoice_number, customer_number, creditor_name, creditor_iban, amount::text, currency
       FROM refunds WHERE payment_run = $1 ORDER BY created_at, refund_key`,
    [runId],
  );
  const transfers: RefundTransfer[] = rows.map((row) => ({
    refundKey: row.refund_key,
    invoiceNumber: row.invoice_number,
    customerNumber: row.customer_number,
    creditorName: row.creditor_name,
    creditorIban: row.creditor_iban,
    amount: money(row.amount, row.currency),
  }));
  const kept = run.document_key ? await readDocument(db, run.document_key) : undefined;
  return {
    runId,
    transfers,
    total: sum(
      transfers.map((t) => t.amount),
      SEPA_CURRENCY,
    ),
    ...(kept ? { documentKey: kept.documentKey, sha256: kept.sha256 } : {}),
    ...(run.checked_against ? { checkedAgainst: run.checked_against } : {}),
    leftOut: [],
  };
}

/**
 * Puts a payment file where the bank's software takes it: written beside it, then linked under its name, which fails
 * when a file of that name is there already (handed over by an attempt whose booking did not commit): never twice.
 */
function handOver(dir: string, fileName: string, content: Buffer): void {
  mkdirSync(dir, { recursive: true });
  const partial = path.join(dir, `.${fileName}.partial`);
  writeFileSync(partial, content);
  try {
    linkSync(partial, path.join(dir, fileName));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(partial, { force: true });
  }
}

/** The day `days` after today, as the bank reads an execution date. */
const daysFromToday = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Refund runs: what officeflow owes customers back becomes a SEPA credit transfer file (pain.001.001.09) that a second
 * person in Finance releases to the bank. Each refund is claimed by one run, in the transaction that writes the run,
 * so no refund is ever in two files; a rejected run gives its refunds back for the next.
 */
export function refundRuns(pool: Pool, { paymentDir, schemasDir, log }: { paymentDir?: string; schemasDir?: string; log: Logger }) {
  // Found on the first run, not when every worker starts.
  let schemas: ReturnType<typeof iso20022Schemas> | undefined;
  const checkFile = (xml: string, fileName: string) => (schemas ??= iso20022Schemas(schemasDir, log)).check(xml, PAIN_VERSION, fileName);

  return {
    /**
     * Prepares a run, once per run id: every refund owed (an invoice paid beyond what it owes, after credit notes) to
     * a customer whose IBAN is known (from the deal, else from the statement line that paid), in euro, becomes a
     * transfer of the run's file, checked against its ISO 20022 schema where one is installed and kept in the document
     * store. What cannot be paid this way is left out, with why.
     */
    async prepareRefundRun({
      runId,
      requestedBy,
      customerNumbers,
      executeAfterDays,
    }: {
      runId: string;
      requestedBy: string;
      customerNumbers?: string[];
      executeAfterDays: number;
    }): Promise<PreparedRefundRun> {
      return inTransaction(pool, async (db) => {
        // One claim at a time, runs and card refunds alike: two never both take what is owed back.
        await db.query(`SELECT pg_advisory_xact_lock(hashtext('${REFUND_CLAIMS_LOCK}'))`);
        const existing = await db.query<RunRow>('SELECT status, document_key, checked_against FROM payment_runs WHERE run_id = $1', [
          runId,
        ]);
        if (existing.rows[0]) return preparedRun(db, runId, existing.rows[0]);

        const { rows: owed } = await db.query<{
          invoice_number: string;
          customer_number: string;
          company_name: string;
          currency: string;
          owed: string;
          iban: string | null;
        }>(
          `SELECT d.invoice_number, d.customer_number, c.company_name, d.currency, d.owed::text,
                  coalesce(c.iban, (SELECT l.counterparty_iban FROM payment_allocations a JOIN bank_lines l USING (line_key)
                                     WHERE a.invoice_number = d.invoice_number AND l.counterparty_iban IS NOT NULL
                                     ORDER BY l.booked_on DESC LIMIT 1)) AS iban
             FROM refunds_due d JOIN customers c USING (customer_number)
            WHERE d.owed > 0 AND ($1::text[] IS NULL OR d.customer_number = ANY($1)) ORDER BY d.invoice_number`,
          [customerNumbers ?? null],
        );
        const transfers: RefundTransfer[] = [];
        const leftOut: RefundLeftOut[] = [];
        for (const row of owed) {
          const amount = money(row.owed, row.currency);
          const refund = { invoiceNumber: row.invoice_number, customerNumber: row.customer_number, amount };
          const iban = row.iban?.replace(/\s/g, '').toUpperCase();
          if (row.currency !== SEPA_CURRENCY) leftOut.push({ ...refund, why: `in ${row.currency}: a SEPA transfer pays euro only` });
          else if (!iban || !isValidIBAN(iban))
            leftOut.push({ ...refund, why: 'no IBAN known: neither the deal nor a statement line that paid it gave one' });
          else if (!isSEPACountry(iban.slice(0, 2)))
            leftOut.push({ ...refund, why: `the IBAN is of ${iban.slice(0, 2)}, outside SEPA: pay it by other means` });
          else
            transfers.push({
              ...refund,
              // The transfer's end-to-end id, which the bank's statement line of the debit carries back.
              refundKey: `${bankIdOf(runId)}-${transfers.length + 1}`,
              creditorName: row.company_name,
              creditorIban: iban,
            });
        }
        if (transfers.length === 0) return { runId, transfers, total: { amount: 0, currency: SEPA_CURRENCY }, leftOut };

        const total = sum(
          transfers.map((t) => t.amount),
          SEPA_CURRENCY,
        );
        const fileName = `${runId}.xml`;
        let xml: string;
        try {
          xml = creditTransferFile({ runId, createdAt: new Date(), executeOn: daysFromToday(executeAfterDays) }, company, transfers);
        } catch (error) {
          // sepa.js refuses what a bank would (a BIC of another country than the IBAN): no retry mends that.
          throw ApplicationFailure.nonRetryable(`refund run ${runId}: ${(error as Error).message}`, 'PaymentFileInvalid');
        }
        const { checkedAgainst } = await checkFile(xml, fileName).catch((error: Error) => {
          throw ApplicationFailure.nonRetryable(`refund run ${runId}: ${error.message}`, 'PaymentFileInvalid');
        });
        const sha256 = createHash('sha256').update(xml).digest('hex');
        const kept = await keepDocument(db, {
          documentKey: documentKeyOf(runId),
          filename: fileName,
          contentType: 'application/xml',
          content: xml,
          sha256,
        });
        await db.query(
          `INSERT INTO payment_runs (run_id, requested_by, status, document_key, transfers, total, currency, checked_against)
           VALUES ($1, $2, 'awaiting-approval', $3, $4, $5, $6, $7)`,
          [runId, requestedBy, kept.documentKey, transfers.length, toDecimal(total), SEPA_CURRENCY, checkedAgainst ?? null],
        );
        for (const t of transfers) {
          await db.query(
            `INSERT INTO refunds (refund_key, invoice_number, customer_number, amount, currency, channel, payment_run, creditor_name, creditor_iban)
             VALUES ($1, $2, $3, $4, $5, 'sepa', $6, $7, $8)`,
            [t.refundKey, t.invoiceNumber, t.customerNumber, toDecimal(t.amount), t.amount.currency, runId, t.creditorName, t.creditorIban],
          );
        }
        return { runId, transfers, total, documentKey: kept.documentKey, sha256, ...(checkedAgainst ? { checkedAgainst } : {}), leftOut };
      });
    },

    /**
     * Releases an approved run, once: its file handed to the bank (written into `BANK_PAYMENT_DIR`, where the bank's
     * software picks payment files up and removes them) and each refund booked — what was owed to the customer leaves
     * the bank account. The run's row is locked throughout, and the file is created only if it was never handed over:
     * a retried or overlapping attempt never puts it before the bank twice.
     */
    async releaseRefundRun({ runId, releasedBy }: { runId: string; releasedBy: string }): Promise<{ fileName: string; total: Money }> {
      // Booked as paid only once the file can reach the bank: until the folder is set, the release waits.
      if (!paymentDir)
        throw ApplicationFailure.create({
          message: `refund run ${runId}: set BANK_PAYMENT_DIR, where payment files go to the bank`,
          type: 'NotConfigured',
        });
      return inTransaction(pool, async (db) => {
        const run = await db.query<{ status: string; document_key: string; total: string; currency: string; handed_over: boolean }>(
          `SELECT status, document_key, total::text, currency, handed_over_at IS NOT NULL AS handed_over
             FROM payment_runs WHERE run_id = $1 FOR UPDATE`,
          [runId],
        );
        const row = run.rows[0];
        if (!row) throw ApplicationFailure.nonRetryable(`refund run ${runId} was never prepared`, 'UnknownPaymentRun');
        if (row.status === 'rejected') throw ApplicationFailure.nonRetryable(`refund run ${runId} was rejected`, 'PaymentRunRejected');
        const file = (await readDocument(db, row.document_key))!;
        const answer = { fileName: file.filename, total: money(row.total, row.currency) };
        if (row.status === 'released') return answer;
        if (!row.handed_over) handOver(paymentDir, file.filename, file.content);
        await db.query(
          `UPDATE payment_runs SET status = 'released', handed_over_at = coalesce(handed_over_at, now()), decided_by = $2, decided_at = now()
            WHERE run_id = $1`,
          [runId, releasedBy],
        );
        const { rows } = await db.query<{ refund_key: string; invoice_number: string; amount: string; currency: string }>(
          'SELECT refund_key, invoice_number, amount::text, currency FROM refunds WHERE payment_run = $1',
          [runId],
        );
        for (const refund of rows) {
          const { amount, currency } = money(refund.amount, refund.currency);
          await postEntry(db, {
            entryKey: `refund/${refund.refund_key}`,
            description: `Refund ${refund.refund_key} for ${refund.invoice_number} (refund run ${runId})`,
            currency,
            lines: [
              { role: 'customerCredits', debit: amount },
              { role: 'bank', credit: amount },
            ],
          });
        }
        return answer;
      });
    },

    /** A rejected run: its file is never sent, and its refunds are owed again, for the next run. */
    async rejectRefundRun({ runId, rejectedBy, reason }: { runId: string; rejectedBy: string; reason: string }): Promise<void> {
      await inTransaction(pool, async (db) => {
        const updated = await db.query(
          `UPDATE payment_runs SET status = 'rejected', decided_by = $2, decided_at = now(), reason = $3
            WHERE run_id = $1 AND status = 'awaiting-approval'`,
          [runId, rejectedBy, reason],
        );
        if (updated.rowCount) await db.query('UPDATE refunds SET withdrawn_at = now() WHERE payment_run = $1', [runId]);
      });
    },
  };
}
