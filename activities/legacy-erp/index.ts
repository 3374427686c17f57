import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { httpUrl, port } from '../../config/fields';
import { localPort } from '../../infra/ports';
import { ensureStateDir, stateSecret } from '../../infra/state';
import { configured, defineSystem } from '../system';
import { legacyErpActivities } from './robot';
import { startLegacyErpPortal } from './stand-in';

/** The legacy ERP portal: a web application without an API, driven by a browser robot. */
export default defineSystem({
  name: 'legacy-erp',
  settings: z
    .object({
      /** Unset, the stand-in portal runs, with a password generated into the state folder. */
      LEGACY_ERP_URL: httpUrl.optional(),
      LEGACY_ERP_USER: z.string().min(1).optional(),
      LEGACY_ERP_PASSWORD: z.string().min(1).optional(),
      LEGACY_ERP_STANDIN_PORT: port(8091),
      /** How long the stand-in's confirmation page takes, as the real one does. */
      LEGACY_ERP_STANDIN_SLOW_MS: z.coerce.number().int().min(0).max(60_000).default(1500),
    })
    .refine((s) => !s.LEGACY_ERP_URL || (s.LEGACY_ERP_USER && s.LEGACY_ERP_PASSWORD), {
      message: 'LEGACY_ERP_URL needs LEGACY_ERP_USER and LEGACY_ERP_PASSWORD',
      path: ['LEGACY_ERP_URL'],
    }),
  connect: (settings, { pool, browser }) => ({
    activities: legacyErpActivities(pool, browser, {
      url: configured(settings, 'LEGACY_ERP_URL'),
      user: configured(settings, 'LEGACY_ERP_USER'),
      password: configured(settings, 'LEGACY_ERP_PASSWORD'),
    }),
  }),
  standIn: {
    needed: (settings) => !settings.LEGACY_ERP_URL,
    async start(settings, { stateDir, host }) {
      const user = settings.LEGACY_ERP_USER ?? 'officeflow';
      const password = settings.LEGACY_ERP_PASSWORD ?? stateSecret(stateDir, 'legacy-erp-password', () => randomBytes(12).toString('hex'));
      const boundPort = await localPort(settings.LEGACY_ERP_STANDIN_PORT, 'LEGACY_ERP_STANDIN_PORT', host);
      const portal = await startLegacyErpPortal({
        dir: ensureStateDir(stateDir),
        port: boundPort,
        slowPageMs: settings.LEGACY_ERP_STANDIN_SLOW_MS,
        user,
        password,
        host,
      });
      return {
        settings: {
          LEGACY_ERP_URL: portal.url,
          LEGACY_ERP_USER: user,
          LEGACY_ERP_PASSWORD: password,
          LEGACY_ERP_STANDIN_PORT: String(boundPort),
        },
        shown: { label: 'Legacy ERP', value: `${portal.url}   (stand-in; user ${user}, password in ${stateDir}/secrets)` },
        stop: portal.stop,
      };
    },
  },
});
