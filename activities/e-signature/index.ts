import { z } from 'zod';
import { httpUrl, port } from '../../config/fields';
import { localPort } from '../../infra/ports';
import { ensureStateDir } from '../../infra/state';
import { configured, defineSystem } from '../system';
import { eSignatureActivities } from './connector';

/** The e-signature service contracts are signed through. */
export default defineSystem({
  name: 'e-signature',
  settings: z.object({
    /** Base URL of the e-signature service's API; unset, the stand-in runs. */
    ESIGN_URL: httpUrl.optional(),
    ESIGN_STANDIN_PORT: port(8092),
    /** Where the service posts its events: officeflow's intake as the service reaches it (PUBLIC_URL unless set). */
    ESIGN_CALLBACK_URL: httpUrl.optional(),
  }),
  connect: (settings, { pool, publicUrl }) => ({
    activities: eSignatureActivities(pool, configured(settings, 'ESIGN_URL'), settings.ESIGN_CALLBACK_URL ?? publicUrl),
  }),
  standIn: {
    needed: (settings) => !settings.ESIGN_URL,
    async start(settings, { stateDir, host, webhookSecret }) {
      const boundPort = await localPort(settings.ESIGN_STANDIN_PORT, 'ESIGN_STANDIN_PORT', host);
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
