import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../config';
import { signedByConnect } from '../../activities/e-signature/connect';
import { ENVELOPE_FIELDS } from '../../activities/e-signature/docusign';
import { Refusal } from '../errors';
import type { SourceEvent } from './source-events';
import { type SourceIntake, take } from './take';

/** DocuSign Connect as configured (`DOCUSIGN_CONNECT_KEYS`); none without a key. */
export interface DocuSignSource {
  keys: string[];
}

export const docuSignSource = (config: Pick<Config, 'DOCUSIGN_CONNECT_KEYS'>): DocuSignSource | undefined =>
  config.DOCUSIGN_CONNECT_KEYS.length ? { keys: config.DOCUSIGN_CONNECT_KEYS } : undefined;

/** What officeflow reads of a Connect message in the JSON SIM format (https://developers.docusign.com/platform/webhooks/connect/json-sim-event-model/). */
interface ConnectMessage {
  event?: string;
  generatedDateTime?: string;
  data?: {
    envelopeId?: string;
    envelopeSummary?: {
      status?: string;
      completedDateTime?: string;
      voidedReason?: string;
      customFields?: { textCustomFields?: Array<{ name?: string; value?: string }> };
      recipients?: { signers?: Array<{ email?: string; status?: string; declinedReason?: string }> };
    };
  };
}

/**
 * The event a Connect message means, if any: `envelope-completed` is `esign.envelope.completed`, `envelope-declined` and
 * `envelope-voided` are `esign.envelope.declined`, each for the contract the envelope's custom field names. Keyed by the
 * envelope and the event (its new status), since Connect sends a message again until answered and its signature has no
 * timestamp.
 */
function read(message: ConnectMessage): SourceEvent {
  const envelopeId = message.data?.envelopeId ?? '';
  const summary = message.data?.envelopeSummary;
  const generated = new Date(message.generatedDateTime ?? Date.now());
  const base = {
    // By the event, not the envelope's status: a signer's `recipient-completed` carries the status `completed` too.
    eventKey: `${envelopeId}:${message.event ?? 'unknown'}`,
    objectId: `docusign:${envelopeId}`,
    occurredAt: Number.isNaN(generated.getTime()) ? new Date() : generated,
  };
  const contractId = summary?.customFields?.textCustomFields?.find((field) => field.name === ENVELOPE_FIELDS.contractId)?.value;
  if (!envelopeId || !message.event?.startsWith('envelope-')) return base;
  if (!contractId)
    return { ...base, refused: `envelope ${envelopeId} names no contract: set "Include Custom Fields" in the Connect configuration` };
  const signer = summary?.recipients?.signers?.[0];
  switch (message.event) {
    case 'envelope-completed':
      return {
        ...base,
        type: 'esign.envelope.completed',
        data: { envelopeId, contractId, signedAt: summary?.completedDateTime ?? base.occurredAt.toISOString(), signerEmail: signer?.email },
      };
    case 'envelope-declined':
    case 'envelope-voided': {
      const reason = message.event === 'envelope-voided' ? summary?.voidedReason : signer?.declinedReason;
      return {
        ...base,
        type: 'esign.envelope.declined',
        data: {
          envelopeId,
          contractId,
          status: message.event === 'envelope-voided' ? 'voided' : 'declined',
          ...(reason ? { reason } : {}),
        },
      };
    }
    default:
      return base;
  }
}

/**
 * `POST /sources/docusign`: DocuSign Connect's messages (JSON SIM, HMAC on), each verified against the configuration's
 * active keys — any one `X-DocuSign-Signature-N` matching is enough (see `signedByConnect`). A message no key signed is
 * 401 and nothing is kept; a signed one is kept once by its envelope and event, answered at once, dispatched in the
 * background.
 */
export const docuSignSourceRoutes: FastifyPluginAsync<{ source: DocuSignSource } & SourceIntake> = async (app, { source, ...intake }) => {
  app.removeAllContentTypeParsers();
  // The signature is over the body as sent: kept as bytes.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post('/', async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    if (!signedByConnect(body, request.headers, source.keys))
      throw new Refusal(401, 'invalid_signature', 'no X-DocuSign-Signature header matches a Connect key');
    let message: ConnectMessage;
    try {
      message = JSON.parse(body.toString('utf8')) as ConnectMessage;
    } catch {
      throw new Refusal(400, 'invalid_request', 'a Connect message is JSON (the JSON SIM format)');
    }
    const fresh = await take('docusign', [read(message)], intake, request.log);
    return reply.code(200).send({ received: 1, new: fresh });
  });
};
