import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { type BankLine, BankPayment } from '../../contracts/bank';
import { toDecimal } from '../../contracts/money';
import { inTransaction } from '../../db/transaction';
import type { SourceEvent, SourceEvents } from '../sources/source-events';
import { StatementError, normalizeAccount } from '../../activities/bank/lines';
import { type ReadStatementFile, readStatementFile } from '../../activities/bank/read';
import type { Iso20022Schemas } from '../../activities/bank/schemas';

/** What became of a statement file. */
export interface StatementImport {
  fileId: string;
  fileName: string;
  outcome: 'imported' | 'refused';
  /** Why it was refused: the file, the element at fault and what is wrong. */
  reason?: string;
  /** The same file was imported before: nothing new. */
  alreadyImported?: boolean;
  format?: string;
  checkedAgainst?: string;
  statements: Array<{ statementId: string; account: string; lines: number }>;
  /** Lines seen for the first time, by kind, and lines already imported from another (or the same) statement. */
  newLines: Partial<Record<BankLine['kind'], number>>;
  knownLines: number;
}

/** The event a customer's payment on a statement is: what starts its cash application. */
const paymentEvent = (line: BankLine, fileName: string): SourceEvent => {
  if (line.amount.amount === 0) throw new StatementError(fileName, `entry ${line.bankReference}`, 'is a payment of nothing');
  const payment: BankPayment = {
    lineKey: line.lineKey,
    bankReference: line.bankReference,
    account: line.account,
    amount: line.amount,
    bookedOn: line.bookedOn,
    ...(line.valueOn ? { valueOn: line.valueOn } : {}),
    ...(line.counterpartyName ? { payerName: line.counterpartyName.slice(0, 200) } : {}),
    ...(line.counterpartyIban ? { payerIban: line.counterpartyIban } : {}),
    ...(line.reference ? { reference: line.reference.slice(0, 500) } : {}),
    ...(line.text ? { text: line.text.slice(0, 1000) } : {}),
    ...(line.endToEndId ? { endToEndId: line.endToEndId } : {}),
  };
  // Checked here, where a line that does not fit refuses its file, rather than when its cash application would start.
  const checked = BankPayment.safeParse(payment);
  if (!checked.success)
    throw new StatementError(
      fileName,
      `entry ${line.bankReference}`,
      checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  return {
    eventKey: line.lineKey,
    // Each booking stands alone: no later one makes it stale.
    objectId: `line:${line.lineKey}`,
    occurredAt: new Date(`${line.bookedOn}T00:00:00Z`),
    type: 'bank.payment.received',
    data: payment,
  };
};

/**
 * Bank statements as they come in (an upload, the CLI, the watched folder): each file kept as it came; read, checked
 * against its schema and refused whole when any of it is wrong or the account is not one of `accounts`; else each
 * booking kept once (`bank_lines`), and each new customer payment kept as a `bank.payment.received` event of the
 * `bank` source, in the same transaction, for the source dispatcher to start its cash application.
 */
export function bankStatements(
  pool: Pool,
  { accounts, schemas, events, imported }: { accounts: string[]; schemas: Iso20022Schemas; events: SourceEvents; imported(): void },
) {
  const ours = new Set(accounts.map(normalizeAccount));

  const refuse = async (file: { fileId: string; fileName: string; bytes: Buffer; receivedBy: string }, error: StatementError) => {
    await pool.query(
      `INSERT INTO bank_statement_files (file_id, file_name, received_by, content, outcome, reason)
       VALUES ($1, $2, $3, $4, 'refused', $5)
       ON CONFLICT (file_id) DO UPDATE SET reason = EXCLUDED.reason, received_at = now() WHERE bank_statement_files.outcome = 'refused'`,
      [file.fileId, file.fileName, file.receivedBy, file.bytes, error.message],
    );
    return {
      fileId: file.fileId,
      fileName: file.fileName,
      outcome: 'refused' as const,
      reason: error.message,
      statements: [],
      newLines: {},
      knownLines: 0,
    };
  };

  return {
    async importFile({ fileName, bytes, receivedBy }: { fileName: string; bytes: Buffer; receivedBy: string }): Promise<StatementImport> {
      const fileId = createHash('sha256').update(bytes).digest('hex');
      const file = { fileId, fileName, bytes, receivedBy };
      const before = await pool.query<{ format: string; checked_against: string | null; lines: number }>(
        `SELECT f.format, f.checked_against, (SELECT count(*)::int FROM bank_lines l WHERE l.file_id = f.file_id) AS lines
           FROM bank_statement_files f WHERE f.file_id = $1 AND f.outcome = 'imported'`,
        [fileId],
      );
      if (before.rowCount) {
        const { format, checked_against, lines } = before.rows[0];
        return {
          fileId,
          fileName,
          outcome: 'imported',
          alreadyImported: true,
          format,
          checkedAgainst: checked_against ?? undefined,
          statements: [],
          newLines: {},
          knownLines: lines,
        };
      }
      try {
        return await importRead(file, await readStatementFile(fileName, bytes, schemas));
      } catch (error) {
        if (error instanceof StatementError) return refuse(file, error);
        throw error;
      }
    },
  };

  /** Keeps a statement file read in full, its lines once each, its payments as events: in one transaction, or nothing. */
  async function importRead(
    { fileId, fileName, bytes, receivedBy }: { fileId: string; fileName: string; bytes: Buffer; receivedBy: string },
    { statements, checkedAgainst }: ReadStatementFile,
  ): Promise<StatementImport> {
    const foreign = statements.find((statement) => !ours.has(statement.account));
    if (foreign) throw new StatementError(fileName, 'account', `${foreign.account} is not one of ours (BANK_ACCOUNTS)`);
    const format = statements[0].format;
    const result = await inTransaction(pool, async (db) => {
      await db.query(
        `INSERT INTO bank_statement_files (file_id, file_name, received_by, content, outcome, format, checked_against)
           VALUES ($1, $2, $3, $4, 'imported', $5, $6)
           ON CONFLICT (file_id) DO UPDATE SET outcome = 'imported', reason = NULL, format = EXCLUDED.format,
             checked_against = EXCLUDED.checked_against, received_by = EXCLUDED.received_by, received_at = now()`,
        [fileId, fileName, receivedBy, bytes, format, checkedAgainst ?? null],
      );
      const newLines: StatementImport['newLines'] = {};
      let knownLines = 0;
      const payments: SourceEvent[] = [];
      for (const statement of statements)
        for (const line of statement.lines) {
          const inserted = await db.query(
            `INSERT INTO bank_lines (line_key, bank_reference, account, statement_id, file_id, kind, credit, amount, currency,
                                       booked_on, value_on, counterparty_name, counterparty_iban, reference, remittance,
                                       end_to_end_id, bank_code)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
               ON CONFLICT (line_key) DO NOTHING`,
            [
              line.lineKey,
              line.bankReference,
              line.account,
              statement.statementId,
              fileId,
              line.kind,
              line.credit,
              toDecimal(line.amount),
              line.amount.currency,
              line.bookedOn,
              line.valueOn ?? null,
              line.counterpartyName ?? null,
              line.counterpartyIban ?? null,
              line.reference ?? null,
              line.text ?? null,
              line.endToEndId ?? null,
              line.bankCode ?? null,
            ],
          );
          if (!inserted.rowCount) {
            await sameAsBefore(db, line, fileName);
            knownLines++;
            continue;
          }
          newLines[line.kind] = (newLines[line.kind] ?? 0) + 1;
          if (line.kind === 'payment') payments.push(paymentEvent(line, fileName));
        }
      await events.keep('bank', payments, db);
      return {
        fileId,
        fileName,
        outcome: 'imported' as const,
        format,
        checkedAgainst,
        statements: statements.map(({ statementId, account, lines }) => ({ statementId, account, lines: lines.length })),
        newLines,
        knownLines,
      };
    });
    // The payments are kept: the dispatcher starts their cash applications now.
    if (result.newLines.payment) imported();
    return result;
  }
}

/**
 * A booking imported before must be the same booking: a bank's reference that repeats with another amount, day or
 * direction (a bank numbering its entries per statement) would otherwise drop a payment as known. The file is refused.
 */
async function sameAsBefore(db: PoolClient, line: BankLine, fileName: string): Promise<void> {
  const { rows } = await db.query<{ amount: string; currency: string; credit: boolean; booked_on: string }>(
    `SELECT amount::text, currency, credit, to_char(booked_on, 'YYYY-MM-DD') AS booked_on FROM bank_lines WHERE line_key = $1`,
    [line.lineKey],
  );
  const [before] = rows;
  if (
    before &&
    (before.amount !== toDecimal(line.amount) ||
      before.currency !== line.amount.currency ||
      before.credit !== line.credit ||
      before.booked_on !== line.bookedOn)
  )
    throw new StatementError(
      fileName,
      `entry ${line.bankReference}`,
      `was imported before as another booking (${before.booked_on}, ${before.credit ? '' : '-'}${before.amount} ${before.currency}): the bank's reference is not unique`,
    );
}

export type BankStatements = ReturnType<typeof bankStatements>;
