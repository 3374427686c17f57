import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { createRequire } from 'node:module';
import tls from 'node:tls';
import { ApplicationFailure } from '@temporalio/common';
import docusign from 'docusign-esign';
import type { Pool } from 'pg';
import { keepDocument } from '../documents/store';
import type { SignatureRequest } from './connector';

/** How officeflow signs in to DocuSign: an integration (app) impersonating a user through the JWT grant. */
export interface DocuSignConnection {
  /** The integration key (the app's client id). */
  integrationKey: string;
  /** The user the app acts as (their API user id, a GUID), who consented to `signature impersonation`. */
  userId: string;
  /** The RSA private key of the integration's key pair, PEM. */
  privateKey: string;
  /** DocuSign's account server: `account-d.docusign.com` (developer), `account.docusign.com` (production). */
  oauthHost: string;
  /** The account to send from; the user's default account when unset. */
  accountId?: string;
  /** A CA certificate (PEM file) to trust besides the public ones, for a DocuSign stand-in's own certificate. */
  caFile?: string;
}

/** The envelope's custom fields officeflow writes, which Connect sends back (with "Include Custom Fields" set). */
export const ENVELOPE_FIELDS = { runKey: 'officeflowKey', contractId: 'contractId' } as const;

/**
 * DocuSign's SDK sends every request through axios's shared instance (`docusign-esign`'s own `require("axios")`): a
 * stand-in's certificate is trusted for the stand-in's addresses alone (its account server, the API server its
 * userinfo names), with the public roots kept. One interceptor; `trust` adds an address.
 */
function certificateTrust(caFile: string) {
  type RequestConfig = { url?: string; baseURL?: string; httpsAgent?: https.Agent };
  const axios = createRequire(require.resolve('docusign-esign'))('axios') as {
    interceptors: { request: { use(change: (config: RequestConfig) => RequestConfig): void } };
  };
  const agent = new https.Agent({ ca: [...tls.rootCertificates, readFileSync(caFile, 'utf8')] });
  const hosts = new Set<string>();
  axios.interceptors.request.use((config) => {
    if (hosts.has(new URL(config.url ?? '', config.baseURL).host)) config.httpsAgent = agent;
    return config;
  });
  return { trust: (host: string) => void hosts.add(host) };
}

/** DocuSign's refusal as officeflow fails the step with it: a limit or an outage passes, anything else fails for good. */
function refusal(error: unknown, what: string): Error {
  const response = (error as { response?: { status?: number; data?: { errorCode?: string; message?: string } } }).response;
  const status = response?.status ?? 0;
  const message = `DocuSign refused ${what}: ${response?.data?.errorCode ?? status} ${response?.data?.message ?? (error as Error).message}`;
  // 401: the token was revoked or expired early; the next attempt signs in anew.
  return status === 0 || status === 401 || status === 429 || status >= 500
    ? ApplicationFailure.create({ message, type: 'ESignatureUnavailable' })
    : ApplicationFailure.nonRetryable(message, 'ESignatureRefused');
}

/**
 * The e-signature connector for DocuSign's eSignature REST API v2.1, through DocuSign's own SDK: signed in with the JWT
 * grant (https://developers.docusign.com/platform/auth/jwt/), the account and its API server from the userinfo call; an
 * envelope per signature request, made as a draft, kept by the step's key (`esign_envelopes`) and only then sent, so a
 * retried step never sends a second; the signed document and the certificate of completion kept with their SHA-256.
 */
export function docuSignActivities(pool: Pool, connection: DocuSignConnection) {
  const client = new docusign.ApiClient();
  client.setOAuthBasePath(connection.oauthHost);
  const certificate = connection.caFile ? certificateTrust(connection.caFile) : undefined;
  certificate?.trust(connection.oauthHost);
  let session: { api: InstanceType<typeof docusign.EnvelopesApi>; accountId: string; until: number } | undefined;

  /** DocuSign's refusal of a call, forgetting the sign-in when it was refused (see `refusal`). */
  const refused = (error: unknown, what: string) => {
    if ((error as { response?: { status?: number } }).response?.status === 401) session = undefined;
    return refusal(error, what);
  };

  /** The envelopes API and account, signed in anew a minute before the token expires. */
  const signedIn = async () => {
    if (session && Date.now() < session.until) return session;
    try {
      const token = await client.requestJWTUserToken(
        connection.integrationKey,
        connection.userId,
        ['signature', 'impersonation'],
        Buffer.from(connection.privateKey),
        3600,
      );
      const { access_token: accessToken, expires_in: expiresIn } = token.body;
      const user = await client.getUserInfo(accessToken);
      const account = connection.accountId
        ? user.accounts.find((candidate) => candidate.accountId === connection.accountId)
        : (user.accounts.find((candidate) => candidate.isDefault === 'true') ?? user.accounts[0]);
      if (!account)
        throw ApplicationFailure.nonRetryable(`the DocuSign user has no account ${connection.accountId ?? ''}`, 'ESignatureRefused');
      certificate?.trust(new URL(account.baseUri).host);
      client.setBasePath(`${account.baseUri}/restapi`);
      client.addDefaultHeader('Authorization', `Bearer ${accessToken}`);
      session = { api: new docusign.EnvelopesApi(client), accountId: account.accountId, until: Date.now() + (expiresIn - 60) * 1000 };
      return session;
    } catch (error) {
      throw error instanceof ApplicationFailure ? error : refusal(error, 'the sign-in');
    }
  };

  return {
    async sendForSignature(request: SignatureRequest): Promise<{ envelopeId: string; signingUrl: string }> {
      const { envelopeKey, contractId, document, signer } = request;
      const { api, accountId } = await signedIn();
      try {
        const kept = await pool.query<{ envelope_id: string; sent: boolean }>(
          'SELECT envelope_id, sent_at IS NOT NULL AS sent FROM esign_envelopes WHERE envelope_key = $1',
          [envelopeKey],
        );
        let envelope = kept.rows[0];
        if (!envelope) {
          // A draft first: an attempt that loses the answer leaves a draft nobody is sent, never a second envelope.
          const text = document.text ?? `The contract is at ${document.url}`;
          const draft = await api.createEnvelope(accountId, {
            envelopeDefinition: {
              emailSubject: `Please sign contract ${contractId} (${document.version})`.slice(0, 100),
              documents: [
                {
                  documentBase64: Buffer.from(text).toString('base64'),
                  name: `Contract ${contractId}`,
                  fileExtension: 'txt',
                  documentId: '1',
                },
              ],
              recipients: { signers: [{ email: signer.email, name: signer.name, recipientId: '1', routingOrder: '1' }] },
              customFields: {
                textCustomFields: [
                  { name: ENVELOPE_FIELDS.runKey, value: envelopeKey, show: 'false' },
                  { name: ENVELOPE_FIELDS.contractId, value: contractId, show: 'false' },
                ],
              },
              status: 'created',
            },
          });
          const stored = await pool.query<{ envelope_id: string; sent: boolean }>(
            `INSERT INTO esign_envelopes (envelope_key, envelope_id) VALUES ($1, $2)
             ON CONFLICT (envelope_key) DO UPDATE SET envelope_key = EXCLUDED.envelope_key
             RETURNING envelope_id, sent_at IS NOT NULL AS sent`,
            [envelopeKey, draft.envelopeId],
          );
          envelope = stored.rows[0];
        }
        if (!envelope.sent) {
          // Sent unless an attempt sent it already and lost the answer.
          const now = await api.getEnvelope(accountId, envelope.envelope_id);
          if (now.status === 'created') await api.update(accountId, envelope.envelope_id, { envelope: { status: 'sent' } });
          await pool.query('UPDATE esign_envelopes SET sent_at = now() WHERE envelope_key = $1', [envelopeKey]);
        }
        // DocuSign e-mails the signer their link: there is no signing page to hand on.
        return { envelopeId: envelope.envelope_id, signingUrl: '' };
      } catch (error) {
        throw error instanceof ApplicationFailure ? error : refused(error, `the envelope of contract ${contractId}`);
      }
    },

    /** Keeps the signed document under `documentKey`, and the certificate of completion beside it (once each). */
    async storeSignedDocument({ envelopeId, documentKey }: { envelopeId: string; documentKey: string }) {
      const { api, accountId } = await signedIn();
      const keep = async (key: string, documentId: string, filename: string) => {
        const content = await api.getDocument(accountId, envelopeId, documentId).catch((error: unknown) => {
          throw refused(error, `the ${documentId} document of envelope ${envelopeId}`);
        });
        const sha256 = createHash('sha256').update(content).digest('hex');
        const kept = await keepDocument(pool, { documentKey: key, filename, contentType: 'application/pdf', content, sha256 });
        // A document kept by an earlier attempt answers with its own digest.
        return { documentKey: key, sha256: kept.sha256 ?? sha256 };
      };
      const signed = await keep(documentKey, 'combined', `${envelopeId}-signed.pdf`);
      await keep(`${documentKey}/certificate`, 'certificate', `${envelopeId}-certificate-of-completion.pdf`);
      return signed;
    },
  };
}
