import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { commaList, httpUrl, port } from '../../config/fields';
import { localPort } from '../../infra/ports';
import { ensureStateDir, randomToken, stateSecret } from '../../infra/state';
import { type RunningStandIn, configured, defineSystem } from '../system';
import { eSignatureActivities } from './connector';
import { docuSignActivities } from './docusign';

const settings = z.object({
  /** Which e-signature protocol: DocuSign's eSignature REST API, or officeflow's own (`ESIGN_URL`). */
  ESIGN: z.enum(['officeflow', 'docusign']).default('officeflow'),
  /** Base URL of the e-signature service's API (`ESIGN=officeflow`); unset, the stand-in runs. */
  ESIGN_URL: httpUrl.optional(),
  ESIGN_STANDIN_PORT: port(8092),
  /** Where the service posts its events: officeflow's intake as the service reaches it (PUBLIC_URL unless set). */
  ESIGN_CALLBACK_URL: httpUrl.optional(),
  /** DocuSign (`ESIGN=docusign`): the integration key, the API user it acts as, and the key pair's private key (a PEM file). */
  DOCUSIGN_INTEGRATION_KEY: z.string().min(1).optional(),
  DOCUSIGN_USER_ID: z.string().min(1).optional(),
  DOCUSIGN_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  /** DocuSign's account server: `account-d.docusign.com` (developer accounts) or `account.docusign.com`. */
  DOCUSIGN_OAUTH_HOST: z.string().min(1).default('account-d.docusign.com'),
  /** The account to send from; the user's default account when unset. */
  DOCUSIGN_ACCOUNT_ID: z.string().min(1).optional(),
  /** Connect's HMAC keys, every active one (while a key is rotated); unset, no Connect messages taken. */
  DOCUSIGN_CONNECT_KEYS: commaList,
  /** A CA certificate to trust for DocuSign's hosts (the stand-in's), besides the public ones. */
  DOCUSIGN_CA_FILE: z.string().min(1).optional(),
});
type ESignatureSettings = z.infer<typeof settings>;

/** The local DocuSign stand-in's certificate, in the state folder: what officeflow (and the demo) trust it by. */
export const DOCUSIGN_STAND_IN_CERTIFICATE = 'docusign-stand-in.pem';

const docuSignConfigured = (s: ESignatureSettings) => s.DOCUSIGN_INTEGRATION_KEY !== undefined;

/** The e-signature service contracts are signed through: DocuSign, or a service speaking officeflow's protocol. */
export default defineSystem({
  name: 'e-signature',
  settings,
  connect: (s, { pool, publicUrl }): { activities: ReturnType<typeof eSignatureActivities> } => ({
    activities:
      s.ESIGN === 'docusign'
        ? docuSignActivities(pool, {
            integrationKey: configured(s, 'DOCUSIGN_INTEGRATION_KEY'),
            userId: configured(s, 'DOCUSIGN_USER_ID'),
            privateKey: readFileSync(configured(s, 'DOCUSIGN_PRIVATE_KEY_FILE'), 'utf8'),
            oauthHost: s.DOCUSIGN_OAUTH_HOST,
            accountId: s.DOCUSIGN_ACCOUNT_ID,
            caFile: s.DOCUSIGN_CA_FILE,
          })
        : eSignatureActivities(pool, configured(s, 'ESIGN_URL'), s.ESIGN_CALLBACK_URL ?? publicUrl),
  }),
  standIn: {
    needed: (s) => (s.ESIGN === 'docusign' ? !docuSignConfigured(s) : !s.ESIGN_URL),
    async start(s, { stateDir, host, webhookSecret, intakeUrl }): Promise<RunningStandIn> {
      const boundPort = await localPort(s.ESIGN_STANDIN_PORT, 'ESIGN_STANDIN_PORT', host);
      if (s.ESIGN === 'docusign') {
        // The integration's key pair and Connect's key, made once and kept like every local secret.
        const privateKey = stateSecret(stateDir, 'docusign-integration-key.pem', () =>
          generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        );
        const connectKey = s.DOCUSIGN_CONNECT_KEYS[0] ?? stateSecret(stateDir, 'docusign-connect-key', () => randomToken(32));
        const integration = { integrationKey: 'officeflow-integration', userId: 'officeflow-api-user' };
        const { startDocuSignStandIn } = await import('./docusign-stand-in.js');
        const docuSign = await startDocuSignStandIn({
          dir: ensureStateDir(stateDir),
          port: boundPort,
          host,
          ...integration,
          privateKey,
          connectUrl: new URL('/sources/docusign', intakeUrl).href,
          connectKeys: [connectKey],
        });
        const caFile = path.join(ensureStateDir(stateDir), DOCUSIGN_STAND_IN_CERTIFICATE);
        writeFileSync(caFile, docuSign.certificate);
        return {
          settings: {
            DOCUSIGN_INTEGRATION_KEY: integration.integrationKey,
            DOCUSIGN_USER_ID: integration.userId,
            DOCUSIGN_PRIVATE_KEY_FILE: path.join(stateDir, 'secrets', 'docusign-integration-key.pem'),
            DOCUSIGN_OAUTH_HOST: docuSign.host,
            DOCUSIGN_CONNECT_KEYS: connectKey,
            DOCUSIGN_CA_FILE: caFile,
            ESIGN_STANDIN_PORT: String(boundPort),
          },
          shown: { label: 'E-signature', value: `${docuSign.url}   (DocuSign stand-in: eSignature REST v2.1, Connect)` },
          stop: docuSign.stop,
        };
      }
      const { startStandInESignature } = await import('./stand-in.js');
      const service = await startStandInESignature({ dir: ensureStateDir(stateDir), port: boundPort, webhookSecret, host });
      return {
        settings: { ESIGN_URL: service.url, ESIGN_STANDIN_PORT: String(boundPort) },
        shown: { label: 'E-signature', value: `${service.url}   (stand-in: GET /envelopes, signing pages at /sign/:id)` },
        stop: service.stop,
      };
    },
  },
});
