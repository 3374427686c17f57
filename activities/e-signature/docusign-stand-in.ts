import { createPublicKey, randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { jwtVerify } from 'jose';
import { generate } from 'selfsigned';
import { keptJson } from '../../infra/state';
import { faultsOnDemand, sendAgainUntilTaken } from '../crm/vendor-stand-in';
import { connectHeaders } from './connect';

/** An envelope as the stand-in keeps it: what DocuSign's API was given, and what became of it. */
interface KeptEnvelope {
  envelopeId: string;
  accountId: string;
  status: 'created' | 'sent' | 'completed' | 'declined' | 'voided';
  emailSubject: string;
  documents: Array<{ documentId: string; name: string; documentBase64: string }>;
  signer: { email: string; name: string };
  customFields: Array<{ name: string; value: string }>;
  sentDateTime: string;
  completedDateTime?: string;
  reason?: string;
}

export interface DocuSignStandInOptions {
  dir: string;
  port: number;
  host?: string;
  /** The integration officeflow signs in as: its key, the user it impersonates and its RSA private key (PEM). */
  integrationKey: string;
  userId: string;
  privateKey: string;
  /** Where Connect posts (asked at each message: a test's intake starts after the stand-in), and the keys it signs with. */
  connectUrl: string | (() => string);
  connectKeys: string[];
}

export interface DocuSignStandIn {
  /** `127.0.0.1:port`: DocuSign's account server and API server both. */
  host: string;
  url: string;
  /** The stand-in's certificate, for officeflow to trust it (PEM). */
  certificate: string;
  stop(): Promise<void>;
}

/** A one-page PDF of text lines, as DocuSign serves a signed document or a certificate of completion. */
function pdfOf(lines: string[]): Buffer {
  const shown = lines.flatMap((line) => line.match(/.{1,90}/g) ?? ['']).slice(0, 50);
  const text = shown
    .map((line, i) => `BT /F1 10 Tf 50 ${790 - i * 14} Td (${line.replace(/[^\x20-\x7e]/g, '?').replace(/[\\()]/g, '\\$&')}) Tj ET`)
    .join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${Buffer.byteLength(text)} >>\nstream\n${text}\nendstream`,
  ];
  let pdf = '%PDF-1.4\n';
  const offsets = objects.map((object, i) => {
    const offset = Buffer.byteLength(pdf);
    pdf += `${i + 1} 0 obj\n${object}\nendobj\n`;
    return offset;
  });
  const xref = Buffer.byteLength(pdf);
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

/**
 * A stand-in for DocuSign, speaking the subset of its protocol that officeflow's connector (DocuSign's own SDK) uses,
 * over HTTPS as DocuSign does: the JWT grant (`POST /oauth/token`, the assertion checked against the integration's
 * public key) and `GET /oauth/userinfo`; eSignature REST v2.1 under `/restapi` (create an envelope, list envelopes by
 * custom field, get a document: `combined`, `certificate`); and Connect, posting each envelope's completion, decline
 * or void as DocuSign's JSON SIM message, HMAC-signed with every active key and sent again until answered 2xx. The
 * signer acts through `/standin/envelopes/:id/sign|decline` (DocuSign e-mails them instead); an operator voids through
 * `/standin/envelopes/:id/void`.
 */
export async function startDocuSignStandIn(options: DocuSignStandInOptions): Promise<DocuSignStandIn> {
  const { value: envelopes, save } = keptJson<KeptEnvelope[]>(path.join(options.dir, 'docusign.json'), []);
  const host = options.host ?? '127.0.0.1';
  const pems = await generate([{ name: 'commonName', value: host }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: host },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  const integrationKey = createPublicKey(options.privateKey);
  const accountId = randomUUID();
  const tokens = new Set<string>();
  let hostPort = '';

  const app = Fastify({ https: { key: pems.private, cert: pems.cert } });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  const fault = faultsOnDemand(app);
  const failed = (reply: FastifyReply) => {
    const now = fault();
    return now && reply.code(now.status).header('retry-after', String(now.retryAfterSeconds)).send({ errorCode: 'SERVICE_UNAVAILABLE' });
  };
  const signedIn = (request: FastifyRequest) => tokens.has((request.headers.authorization ?? '').replace(/^Bearer /, ''));

  app.post<{ Body: { grant_type?: string; assertion?: string } }>('/oauth/token', async (request, reply) => {
    if (request.body?.grant_type !== 'urn:ietf:params:oauth:grant-type:jwt-bearer' || !request.body.assertion)
      return reply.code(400).send({ error: 'invalid_request' });
    try {
      const { payload } = await jwtVerify(request.body.assertion, integrationKey, {
        issuer: options.integrationKey,
        subject: options.userId,
        audience: hostPort,
      });
      if (!String(payload.scope).split(' ').includes('signature')) return reply.code(400).send({ error: 'invalid_scope' });
    } catch {
      return reply.code(400).send({ error: 'invalid_grant' });
    }
    const token = randomBytes(24).toString('base64url');
    tokens.add(token);
    return { access_token: token, token_type: 'Bearer', expires_in: 3600 };
  });

  app.get('/oauth/userinfo', async (request, reply) => {
    if (!signedIn(request)) return reply.code(401).send({ error: 'invalid_token' });
    return {
      sub: options.userId,
      name: 'officeflow',
      email: 'officeflow@docusign.test',
      accounts: [{ account_id: accountId, is_default: true, account_name: 'officeflow stand-in', base_uri: `https://${hostPort}` }],
    };
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/restapi/')) return;
    if (!signedIn(request))
      return reply.code(401).send({ errorCode: 'AUTHORIZATION_INVALID_TOKEN', message: 'The access token is not valid.' });
    return failed(reply) || undefined;
  });

  const accountEnvelopes = '/restapi/v2.1/accounts/:accountId/envelopes';
  type EnvelopeBody = {
    emailSubject?: string;
    documents?: KeptEnvelope['documents'];
    recipients?: { signers?: Array<{ email?: string; name?: string }> };
    customFields?: { textCustomFields?: Array<{ name: string; value: string }> };
    status?: string;
  };
  app.post<{ Params: { accountId: string }; Body: EnvelopeBody }>(accountEnvelopes, async (request, reply) => {
    const { emailSubject, documents, recipients, customFields, status } = request.body ?? {};
    const signer = recipients?.signers?.[0];
    if (request.params.accountId !== accountId) return reply.code(400).send({ errorCode: 'INVALID_ACCOUNT_ID' });
    if (!emailSubject || !documents?.length || !signer?.email || !signer.name || (status !== 'sent' && status !== 'created'))
      return reply.code(400).send({
        errorCode: 'INVALID_REQUEST_BODY',
        message: 'an envelope needs a subject, documents, a signer and status created or sent',
      });
    const envelope: KeptEnvelope = {
      envelopeId: randomUUID(),
      accountId,
      status,
      emailSubject,
      documents,
      signer: { email: signer.email, name: signer.name },
      customFields: customFields?.textCustomFields ?? [],
      sentDateTime: new Date().toISOString(),
    };
    envelopes.push(envelope);
    save();
    return reply.code(201).send({
      envelopeId: envelope.envelopeId,
      status,
      statusDateTime: envelope.sentDateTime,
      uri: `/envelopes/${envelope.envelopeId}`,
    });
  });

  app.get<{ Params: { accountId: string }; Querystring: { from_date?: string; custom_field?: string } }>(
    accountEnvelopes,
    async (request) => {
      const [name, value] = (request.query.custom_field ?? '').split(/=(.*)/s);
      const since = request.query.from_date ? Date.parse(request.query.from_date) : 0;
      const found = envelopes.filter(
        (e) =>
          Date.parse(e.sentDateTime) >= since && (!name || e.customFields.some((field) => field.name === name && field.value === value)),
      );
      return {
        resultSetSize: String(found.length),
        envelopes: found.map((e) => ({ envelopeId: e.envelopeId, status: e.status, customFields: { textCustomFields: e.customFields } })),
      };
    },
  );

  app.get<{ Params: { accountId: string; envelopeId: string } }>(`${accountEnvelopes}/:envelopeId`, async (request, reply) => {
    const envelope = envelopes.find((e) => e.envelopeId === request.params.envelopeId);
    if (!envelope) return reply.code(404).send({ errorCode: 'ENVELOPE_DOES_NOT_EXIST' });
    return { envelopeId: envelope.envelopeId, status: envelope.status, customFields: { textCustomFields: envelope.customFields } };
  });

  // Sends a draft (`{"status": "sent"}`); an envelope sent already stays as it is.
  app.put<{ Params: { accountId: string; envelopeId: string }; Body: { status?: string } }>(
    `${accountEnvelopes}/:envelopeId`,
    async (request, reply) => {
      const envelope = envelopes.find((e) => e.envelopeId === request.params.envelopeId);
      if (!envelope) return reply.code(404).send({ errorCode: 'ENVELOPE_DOES_NOT_EXIST' });
      if (request.body?.status !== 'sent') return reply.code(400).send({ errorCode: 'INVALID_REQUEST_BODY' });
      if (envelope.status === 'created') {
        Object.assign(envelope, { status: 'sent', sentDateTime: new Date().toISOString() });
        save();
      }
      return { envelopeId: envelope.envelopeId };
    },
  );

  app.get<{ Params: { accountId: string; envelopeId: string; documentId: string } }>(
    `${accountEnvelopes}/:envelopeId/documents/:documentId`,
    async (request, reply) => {
      const envelope = envelopes.find((e) => e.envelopeId === request.params.envelopeId);
      if (!envelope) return reply.code(404).send({ errorCode: 'ENVELOPE_DOES_NOT_EXIST' });
      const { documentId } = request.params;
      const signature = envelope.completedDateTime
        ? [`Signed electronically by ${envelope.signer.name} <${envelope.signer.email}> on ${envelope.completedDateTime}.`]
        : [];
      const lines =
        documentId === 'certificate'
          ? [
              `Certificate of completion`,
              `Envelope ${envelope.envelopeId}`,
              `Status: ${envelope.status}`,
              `Sent ${envelope.sentDateTime}`,
              ...signature,
            ]
          : [
              ...envelope.documents
                .filter((d) => documentId === 'combined' || d.documentId === documentId)
                .flatMap((d) => Buffer.from(d.documentBase64, 'base64').toString('utf8').split('\n')),
              '',
              ...signature,
            ];
      return reply.type('application/pdf').send(pdfOf(lines));
    },
  );

  /** Posts the envelope's news to Connect, as DocuSign's JSON SIM message, signed with every active key. */
  const tellConnect = async (envelope: KeptEnvelope, event = `envelope-${envelope.status}`) => {
    const message = JSON.stringify({
      event,
      apiVersion: 'v2.1',
      uri: `/restapi/v2.1/accounts/${envelope.accountId}/envelopes/${envelope.envelopeId}`,
      retryCount: 0,
      configurationId: 10001,
      generatedDateTime: new Date().toISOString(),
      data: {
        accountId: envelope.accountId,
        userId: options.userId,
        envelopeId: envelope.envelopeId,
        envelopeSummary: {
          status: envelope.status,
          emailSubject: envelope.emailSubject,
          sentDateTime: envelope.sentDateTime,
          ...(envelope.status === 'completed' ? { completedDateTime: envelope.completedDateTime } : {}),
          ...(envelope.status === 'voided' ? { voidedReason: envelope.reason } : {}),
          customFields: { textCustomFields: envelope.customFields.map(({ name, value }) => ({ name, value, show: 'false' })) },
          recipients: {
            signers: [
              {
                ...envelope.signer,
                recipientId: '1',
                status: envelope.status === 'voided' ? 'sent' : envelope.status,
                ...(envelope.status === 'declined' ? { declinedReason: envelope.reason } : {}),
              },
            ],
          },
        },
      },
    });
    return sendAgainUntilTaken(async () => {
      const { connectUrl } = options;
      const response = await fetch(typeof connectUrl === 'function' ? connectUrl() : connectUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...connectHeaders(message, options.connectKeys) },
        body: message,
      });
      return response.status;
    });
  };

  const act = (status: 'completed' | 'declined' | 'voided') =>
    async function changed(request: FastifyRequest<{ Params: { envelopeId: string }; Body?: { reason?: string } }>, reply: FastifyReply) {
      const envelope = envelopes.find((e) => e.envelopeId === request.params.envelopeId);
      if (!envelope) return reply.code(404).send({ errorCode: 'ENVELOPE_DOES_NOT_EXIST' });
      if (envelope.status !== 'sent') return reply.code(409).send({ errorCode: 'ENVELOPE_INVALID_STATUS', status: envelope.status });
      Object.assign(envelope, {
        status,
        reason: request.body?.reason,
        ...(status === 'completed' ? { completedDateTime: new Date().toISOString() } : {}),
      });
      save();
      // As DocuSign does for its last signer: the recipient's event first, then the envelope's, both with its status.
      if (status !== 'voided') await tellConnect(envelope, `recipient-${status}`);
      return { envelopeId: envelope.envelopeId, status, connect: await tellConnect(envelope) };
    };
  app.post('/standin/envelopes/:envelopeId/sign', act('completed'));
  app.post('/standin/envelopes/:envelopeId/decline', act('declined'));
  app.post('/standin/envelopes/:envelopeId/void', act('voided'));
  app.get<{ Querystring: { contractId?: string } }>('/standin/envelopes', async (request) =>
    envelopes
      .filter(
        (e) => !request.query.contractId || e.customFields.some((f) => f.name === 'contractId' && f.value === request.query.contractId),
      )
      .map(({ envelopeId, status, signer, customFields }) => ({ envelopeId, status, signer, customFields })),
  );

  await app.listen({ host, port: options.port });
  const address = app.server.address();
  hostPort = `${host}:${typeof address === 'object' && address ? address.port : options.port}`;
  return { host: hostPort, url: `https://${hostPort}`, certificate: pems.cert, stop: () => app.close() };
}
