import path from 'node:path';
import { keptJson } from '../../infra/state';
import Fastify from 'fastify';
// The stand-in plays the vendor: it sends its webhooks with the client front-office systems use (the demo, the tests).
// eslint-disable-next-line import-x/no-restricted-paths
import { sendEvent } from '../../web/events/send';
import { html } from '../documents/html';

/** An envelope as the stand-in keeps it. */
export interface Envelope {
  envelopeId: string;
  idempotencyKey: string;
  contractId: string;
  documentVersion: string;
  document: { text?: string; url?: string };
  signer: { name: string; email: string };
  /** Where the completion event goes: the sender's CloudEvents intake. */
  callbackUrl: string;
  status: 'sent' | 'completed';
  signedAt?: string;
}

export interface StandInESignature {
  url: string;
  stop(): Promise<void>;
}

/** The signed document: the contract text and the signature's record, as the service returns it. */
const signedDocument = (envelope: Envelope) =>
  `${envelope.document.text ?? `Document at ${envelope.document.url}`}\n\n` +
  `Signed electronically by ${envelope.signer.name} <${envelope.signer.email}> on ${envelope.signedAt} (envelope ${envelope.envelopeId}).\n`;

/**
 * A stand-in for an e-signature service: `POST /envelopes` (with an Idempotency-Key) accepts a document for a signer
 * and answers the signing page's address; the signer signs on `GET /sign/:id`; the service then posts the CloudEvent
 * `esign.envelope.completed`, signed with its webhook secret, to the envelope's callback URL, and serves the signed
 * document at `GET /envelopes/:id/document`. Envelopes are kept in a JSON file in the state folder.
 */
export async function startStandInESignature(options: {
  dir: string;
  port: number;
  webhookSecret: string;
  host?: string;
}): Promise<StandInESignature> {
  const { value: envelopes, save } = keptJson<Envelope[]>(path.join(options.dir, 'e-signature.json'), []);
  const find = (id: string) => envelopes.find((envelope) => envelope.envelopeId === id);

  const app = Fastify();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  let url = '';

  app.post<{ Body: Omit<Envelope, 'envelopeId' | 'idempotencyKey' | 'status'> }>('/envelopes', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    const { contractId, documentVersion, document, signer, callbackUrl } = request.body ?? {};
    if (typeof key !== 'string' || !contractId || !documentVersion || !document || !signer?.email || !callbackUrl) {
      return reply
        .code(400)
        .send({ error: 'an Idempotency-Key, contractId, documentVersion, document, signer and callbackUrl are required' });
    }
    let envelope = envelopes.find((known) => known.idempotencyKey === key);
    if (!envelope) {
      envelope = {
        envelopeId: `ENV-${String(envelopes.length + 1).padStart(6, '0')}`,
        idempotencyKey: key,
        contractId,
        documentVersion,
        document,
        signer,
        callbackUrl,
        status: 'sent',
      };
      envelopes.push(envelope);
      save();
    }
    return reply.code(201).send({ envelopeId: envelope.envelopeId, signingUrl: `${url}/sign/${envelope.envelopeId}` });
  });

  app.get<{ Querystring: { contractId?: string } }>('/envelopes', async (request) =>
    envelopes.filter((e) => !request.query.contractId || e.contractId === request.query.contractId),
  );

  app.get<{ Params: { id: string } }>('/sign/:id', async (request, reply) => {
    const envelope = find(request.params.id);
    if (!envelope) return reply.code(404).type('text/html').send('<h1>No such envelope</h1>');
    const body =
      envelope.status === 'completed'
        ? html`<h1>Signed</h1>
            <p>You signed this document on ${envelope.signedAt}.</p>`
        : html`<h1>Sign contract ${envelope.contractId}</h1>
            <p>Version ${envelope.documentVersion}, for ${envelope.signer.name}.</p>
            <pre>${envelope.document.text ?? envelope.document.url}</pre>
            <form method="post"><button type="submit" id="sign">Sign</button></form>`;
    return reply
      .type('text/html; charset=utf-8')
      .send(`<!doctype html><html><head><meta charset="utf-8"><title>E-signature</title></head><body>${body.markup}</body></html>`);
  });

  app.post<{ Params: { id: string } }>('/sign/:id', async (request, reply) => {
    const envelope = find(request.params.id);
    if (!envelope) return reply.code(404).type('text/html').send('<h1>No such envelope</h1>');
    if (envelope.status !== 'completed') {
      Object.assign(envelope, { status: 'completed', signedAt: new Date().toISOString() });
      save();
    }
    // Delivered until the intake takes it, as a webhook sender retries.
    const event = {
      specversion: '1.0' as const,
      id: `${envelope.envelopeId}-completed`,
      source: url,
      type: 'esign.envelope.completed',
      datacontenttype: 'application/json',
      data: {
        envelopeId: envelope.envelopeId,
        contractId: envelope.contractId,
        signedAt: envelope.signedAt,
        signerEmail: envelope.signer.email,
      },
    };
    for (let attempt = 1; ; attempt++) {
      const sent = await sendEvent(envelope.callbackUrl.replace(/\/events$/, ''), options.webhookSecret, event).catch(() => undefined);
      if ((sent && sent.status < 300) || attempt === 5) break;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
    return reply.type('text/html; charset=utf-8').send('<!doctype html><html><body><h1>Signed</h1><p>Thank you.</p></body></html>');
  });

  app.get<{ Params: { id: string } }>('/envelopes/:id/document', async (request, reply) => {
    const envelope = find(request.params.id);
    if (!envelope) return reply.code(404).send({ error: 'no such envelope' });
    if (envelope.status !== 'completed') return reply.code(409).send({ error: 'not signed yet' });
    return reply.type('text/plain; charset=utf-8').send(signedDocument(envelope));
  });

  url = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port });
  return { url, stop: () => app.close() };
}
