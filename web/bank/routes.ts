import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { BankLineKind } from '../../contracts/bank';
import { businessKey } from '../../contracts/fields';
import { RefundRunRequest } from '../../contracts/refunds';
import { ownerOf } from '../../contracts/roles';
import { Refusal } from '../errors';
import type { Authenticate } from '../identity';
import type { OperatorLog } from '../../db/operator-log';
import { requireRole } from '../roles';
import type { SourceEvents } from '../sources/source-events';
import type { BankStatements } from './statements';

/** A statement file's name as the uploader gives it, made a plain name for people and the log (no folders, one line). */
const fileName = z
  .string()
  .default('statement')
  .transform(
    (name) =>
      name
        .replace(/^.*[\\/]/, '')
        .replace(/[\p{Cc}\u2028\u2029]/gu, '')
        .slice(0, 200) || 'statement',
  );

/**
 * Bank statements at the intake, for operators and cash application's owners: `POST /bank/statements?name=…` uploads a
 * camt.052/053/054 or MT940 file as the request body (201 imported; 200 when the same file was imported before; 422
 * refused, naming the file and the element, the file kept for a person); `GET /bank/statements` lists what came and what
 * became of each, `GET /bank/lines` the bookings (`?kind=payment`). Auditors may read both.
 */
export const bankRoutes: FastifyPluginAsyncZod<{
  statements: BankStatements;
  /** Where a refund run asked for is kept, to be started as the bank's event. */
  refundRuns: { events: SourceEvents; kept(): void };
  pool: Pool;
  authenticate: Authenticate;
  log: OperatorLog;
}> = async (app, { statements, refundRuns, pool, authenticate, log }) => {
  // A statement is a file: taken as it is, whatever its type says (banks' software sends XML, text or bytes).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 50 * 1024 * 1024 }, (_request, body, done) => done(null, body));
  const cashApplication = ownerOf('cash-application');

  // Who uploads, as checked before the body was read.
  const importers = new WeakMap<object, { email: string }>();
  app.post(
    '/statements',
    {
      schema: { querystring: z.object({ name: fileName }) },
      bodyLimit: 50 * 1024 * 1024,
      // Who uploads is checked before the body is read: nobody else makes the intake hold a file.
      onRequest: async (request) => {
        const person = await authenticate(request.headers.authorization);
        requireRole(person, 'import bank statements', 'operator', cashApplication);
        importers.set(request, person);
      },
    },
    async (request, reply) => {
      const person = importers.get(request)!;
      const bytes = request.body;
      if (!Buffer.isBuffer(bytes) || bytes.length === 0) throw new Refusal(400, 'invalid_request', 'send the statement file as the body');
      const imported = await statements.importFile({ fileName: request.query.name, bytes, receivedBy: person.email });
      await log.record({
        actor: person.email,
        action: imported.outcome === 'imported' ? 'bank-statement-imported' : 'bank-statement-refused',
        target: imported.fileId,
        reason: imported.reason,
        detail: { fileName: imported.fileName, newLines: imported.newLines, knownLines: imported.knownLines },
      });
      if (imported.outcome === 'refused')
        return reply.code(422).send({ error: 'statement_refused', message: imported.reason, fileId: imported.fileId });
      return reply.code(imported.alreadyImported ? 200 : 201).send(imported);
    },
  );

  app.get('/statements', async (request) => {
    requireRole(await authenticate(request.headers.authorization), 'read bank statements', 'operator', 'auditor', cashApplication);
    const { rows } = await pool.query(
      `SELECT file_id AS "fileId", file_name AS "fileName", received_by AS "receivedBy", received_at AS "receivedAt", outcome,
              reason, format, checked_against AS "checkedAgainst",
              (SELECT count(*)::int FROM bank_lines l WHERE l.file_id = f.file_id) AS lines
         FROM bank_statement_files f ORDER BY received_at DESC LIMIT 200`,
    );
    return rows;
  });

  app.get('/lines', { schema: { querystring: z.object({ kind: BankLineKind.optional() }) } }, async (request) => {
    requireRole(await authenticate(request.headers.authorization), 'read bank lines', 'operator', 'auditor', cashApplication);
    const { rows } = await pool.query(
      `SELECT l.line_key AS "lineKey", l.bank_reference AS "bankReference", l.account, to_char(l.booked_on, 'YYYY-MM-DD') AS "bookedOn",
              l.kind, CASE WHEN l.credit THEN '' ELSE '-' END || l.amount::text AS amount, l.currency,
              l.counterparty_name AS "counterparty", l.reference, l.remittance AS text,
              (SELECT string_agg(a.invoice_number, ', ' ORDER BY a.invoice_number) FROM payment_allocations a WHERE a.line_key = l.line_key) AS "appliedTo"
         FROM bank_lines l WHERE ($1::text IS NULL OR l.kind = $1) ORDER BY l.booked_on DESC, l.imported_at DESC LIMIT 500`,
      [request.query.kind ?? null],
    );
    return rows;
  });

  const refundRunOwner = ownerOf('refund-run');
  const refundRunQuery = z.object({
    runId: RefundRunRequest.shape.runId.optional(),
    // `?customer=C-1001&customer=C-1002`: only these customers' refunds.
    customer: z.union([businessKey, z.array(businessKey).max(100)]).optional(),
  });
  app.post('/refund-runs', { schema: { querystring: refundRunQuery } }, async (request, reply) => {
    const person = await authenticate(request.headers.authorization);
    requireRole(person, 'ask for a refund run', refundRunOwner);
    // A run asked for again under its id is the same run.
    const { customer } = request.query;
    // The day and a random tail: two asked for in the same second are two runs.
    const runId = request.query.runId ?? `RR-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
    const fresh = await refundRuns.events.keep('bank', [
      {
        eventKey: `refund-run:${runId}`,
        objectId: `refund-run:${runId}`,
        occurredAt: new Date(),
        type: 'bank.refund-run.requested',
        data: { runId, requestedBy: person.email, ...(customer ? { customerNumbers: [customer].flat() } : {}) },
      },
    ]);
    refundRuns.kept();
    await log.record({ actor: person.email, action: 'refund-run-requested', target: runId });
    return reply.code(fresh ? 202 : 200).send({ runId, workflowId: `refund-run-${runId}`, new: fresh > 0 });
  });

  app.get('/refund-runs', async (request) => {
    requireRole(await authenticate(request.headers.authorization), 'read refund runs', 'operator', 'auditor', refundRunOwner);
    const { rows } = await pool.query(
      `SELECT run_id AS "runId", status, transfers, total::text AS total, currency, requested_by AS "requestedBy",
              decided_by AS "decidedBy", reason, document_key AS "documentKey", checked_against AS "checkedAgainst", created_at AS "createdAt"
         FROM payment_runs ORDER BY created_at DESC LIMIT 200`,
    );
    return rows;
  });
};
