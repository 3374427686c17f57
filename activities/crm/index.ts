import { z } from 'zod';
import { httpUrl, port } from '../../config/fields';
import { localPort } from '../../infra/ports';
import { ensureStateDir } from '../../infra/state';
import { configured, defineSystem } from '../system';
import { crmActivities } from './connector';

/** The CRM: where officeflow tells the front office how a deal is going. */
export default defineSystem({
  name: 'crm',
  settings: z.object({
    /** Base URL of the CRM connector's API; unset, the stand-in CRM runs. */
    CRM_URL: httpUrl.optional(),
    CRM_STANDIN_PORT: port(8090),
  }),
  connect: (settings) => ({ activities: crmActivities(configured(settings, 'CRM_URL')) }),
  standIn: {
    needed: (settings) => !settings.CRM_URL,
    async start(settings, { stateDir, host }) {
      const boundPort = await localPort(settings.CRM_STANDIN_PORT, 'CRM_STANDIN_PORT', host);
      const { startStandInCrm } = await import('./stand-in.js');
      const crm = await startStandInCrm(ensureStateDir(stateDir), boundPort, host);
      return {
        settings: { CRM_URL: crm.url, CRM_STANDIN_PORT: String(boundPort) },
        shown: { label: 'CRM', value: `${crm.url}   (stand-in: GET /deals/:id)` },
        stop: crm.stop,
      };
    },
  },
});
