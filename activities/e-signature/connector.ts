import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import type { ContractDocument } from '../../contracts/contract';
import { keepDocument } from '../documents/store';

/** What the e-signature service needs to collect a signature. */
export interface SignatureRequest {
  /** The run and step: the same key never sends a second envelope. */
  envelopeKey: string;
  contractId: string;
  document: ContractDocument;
  signer: { name: string; email: string };
}

/**
 * The e-signature connector: `POST {ESIGN_URL}/envelopes` sends a document to its signer (once per Idempotency-Key),
 * the service posts `esign.envelope.completed` to officeflow's intake, and `GET /envelopes/:id/document` fetches the
 * signed document, which is kept in the document store with its SHA-256.
 */
export function eSignatureActivities(pool: Pool, esignUrl: string, intakeUrl: string) {
  const call = async (path: string, init: RequestInit, what: string) => {
    const response = await fetch(new URL(path, esignUrl), init);
    if (response.ok) return response;
    const message = `the e-signature service refused ${what}: ${response.status} ${await response.text()}`;
    throw response.status < 500 && response.status !== 429
      ? ApplicationFailure.nonRetryable(message, 'ESignatureRefused')
      : new Error(message);
  };
  return {
    async sendForSignature(request: SignatureRequest): Promise<{ envelopeId: string; signingUrl: string }> {
      const { envelopeKey, contractId, document, signer } = request;
      const response = await call(
        '/envelopes',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': envelopeKey },
          body: JSON.stringify({
            contractId,
            documentVersion: document.version,
            document,
            signer,
            callbackUrl: new URL('/events', intakeUrl).href,
          }),
        },
        `contract ${contractId}`,
      );
      return (await response.json()) as { envelopeId: string; signingUrl: string };
    },

    /** Keeps the signed document under `documentKey` (once), and answers its SHA-256. */
    async storeSignedDocument({
      envelopeId,
      documentKey,
    }: {
      envelopeId: string;
      documentKey: string;
    }): Promise<{ documentKey: string; sha256: string }> {
      const response = await call(`/envelopes/${encodeURIComponent(envelopeId)}/document`, {}, `the document of envelope ${envelopeId}`);
      const content = Buffer.from(await response.arrayBuffer());
      const sha256 = createHash('sha256').update(content).digest('hex');
      const kept = await keepDocument(pool, {
        documentKey,
        filename: `${envelopeId}-signed.txt`,
        contentType: response.headers.get('content-type') ?? 'application/octet-stream',
        content,
        sha256,
      });
      // A document kept by an earlier attempt answers with its own digest.
      return { documentKey, sha256: kept.sha256 ?? sha256 };
    },
  };
}
