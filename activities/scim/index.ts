import { z } from 'zod';
import { pairList, port } from '../../config/fields';
import { localPort } from '../../infra/ports';
import { ensureStateDir, randomToken, stateSecret } from '../../infra/state';
import { defineSystem } from '../system';
import { scimActivities } from './connector';

/** The applications the local stand-in serves, and their groups: those the hire-to-onboard definition names. */
const STAND_IN_APPLICATIONS = [
  { name: 'chat', groups: ['everyone', 'engineering', 'sales', 'finance'] },
  { name: 'code', groups: ['developers', 'maintainers'] },
];

/**
 * The applications new hires get accounts in over SCIM 2.0 (a chat, a code host, a ticket system): where each
 * application's SCIM endpoint is, and its bearer token, by the name the hire-to-onboard definition gives it. Unset,
 * local SCIM service providers stand in for two.
 */
export default defineSystem({
  name: 'scim',
  settings: z.object({
    /** Each application's SCIM base URL, `name=url` pairs: `chat=https://chat.example/scim/v2,code=…`. */
    SCIM_APPLICATION_URLS: pairList(z.url({ protocol: /^https?$/ }), 'chat=https://chat.example/scim/v2'),
    /** Each application's bearer token, `name=token` pairs. */
    SCIM_APPLICATION_TOKENS: pairList(z.string().min(1), 'chat=token'),
    SCIM_STANDIN_PORT: port(8095),
  }),
  connect: (settings) => ({
    activities: scimActivities(
      Object.fromEntries(
        settings.SCIM_APPLICATION_URLS.map(([name, baseUrl]) => [
          name,
          { baseUrl, token: settings.SCIM_APPLICATION_TOKENS.find(([tokenOf]) => tokenOf === name)?.[1] ?? '' },
        ]),
      ),
    ),
  }),
  standIn: {
    needed: (settings) => settings.SCIM_APPLICATION_URLS.length === 0,
    async start(settings, { stateDir, host }) {
      const boundPort = await localPort(settings.SCIM_STANDIN_PORT, 'SCIM_STANDIN_PORT', host);
      const applications = STAND_IN_APPLICATIONS.map((application) => ({
        ...application,
        // A token the engine was given (a compose stack's), else one made once and kept like every local secret.
        token:
          settings.SCIM_APPLICATION_TOKENS.find(([name]) => name === application.name)?.[1] ??
          stateSecret(stateDir, `scim-${application.name}-token`, () => randomToken(24)),
      }));
      const { startScimStandIn } = await import('./stand-in.js');
      const scim = await startScimStandIn({ dir: ensureStateDir(stateDir), port: boundPort, host, applications });
      const pairs = (value: (application: (typeof applications)[number]) => string) =>
        applications.map((application) => `${application.name}=${value(application)}`).join(',');
      return {
        settings: {
          SCIM_APPLICATION_URLS: pairs((application) => scim.urls[application.name]),
          SCIM_APPLICATION_TOKENS: pairs((application) => application.token),
          SCIM_STANDIN_PORT: String(boundPort),
        },
        shown: { label: 'Applications', value: `${Object.values(scim.urls).join('  ')}   (SCIM 2.0 stand-ins)` },
        stop: scim.stop,
      };
    },
  },
});
