import { z } from 'zod';
import { httpUrl, pairList, port } from '../../config/fields';
import { DealStage } from '../../contracts/order';
import { localPort } from '../../infra/ports';
import { ensureStateDir } from '../../infra/state';
import { type RunningStandIn, configured, defineSystem } from '../system';
import { crmActivities } from './connector';
import { hubspotActivities } from './hubspot';

/** The CRM: where officeflow tells the front office how a deal is going. */
export default defineSystem({
  name: 'crm',
  settings: z.object({
    /** Which CRM's protocol: officeflow's own small API (an adapter of yours, or the stand-in) or HubSpot's. */
    CRM: z.enum(['officeflow', 'hubspot']).default('officeflow'),
    /** Base URL of the CRM connector's API; unset, the stand-in CRM runs. */
    CRM_URL: httpUrl.optional(),
    CRM_STANDIN_PORT: port(8090),
    /** HubSpot: a private app's access token; unset, the HubSpot stand-in runs. */
    HUBSPOT_ACCESS_TOKEN: z.string().min(1).optional(),
    HUBSPOT_URL: httpUrl.default('https://api.hubapi.com'),
    /** HubSpot: officeflow's milestones to the pipeline's stage ids, e.g. `contracted=closedwon,cancelled=closedlost`. */
    /** HubSpot: which company properties hold the buyer's address, VAT ID and billing e-mail (`vatId=vat_number,…`). */
    HUBSPOT_COMPANY_PROPERTIES: pairList(z.string().min(1), 'vatId=vat_number,billingEmail=billing_email').pipe(
      z.array(z.tuple([z.enum(['street', 'postalCode', 'city', 'country', 'vatId', 'billingEmail']), z.string()])),
    ),
    /** HubSpot: the currency of a deal that names none (a single-currency portal), and its payment terms. */
    HUBSPOT_CURRENCY: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "EUR"')
      .optional(),
    HUBSPOT_PAYMENT_TERMS_DAYS: z.coerce.number().int().min(0).max(365).default(30),
    HUBSPOT_DEAL_STAGES: pairList(z.string().min(1), 'contracted=closedwon,cancelled=closedlost').pipe(
      z.array(z.tuple([DealStage, z.string()], { error: `must name officeflow's milestones: ${DealStage.options.join(', ')}` })),
    ),
  }),
  connect: (settings): { activities: ReturnType<typeof crmActivities> } => ({
    // The same activities whichever CRM it is: the processes tell a deal's milestones without knowing which.
    activities:
      settings.CRM === 'hubspot'
        ? hubspotActivities({
            accessToken: configured(settings, 'HUBSPOT_ACCESS_TOKEN'),
            baseUrl: settings.HUBSPOT_URL,
            stages: Object.fromEntries(settings.HUBSPOT_DEAL_STAGES),
            properties: {
              // HubSpot's own company properties, and where a portal keeps the rest unless it says otherwise.
              company: {
                street: 'address',
                postalCode: 'zip',
                city: 'city',
                country: 'country',
                vatId: 'vat_number',
                billingEmail: 'billing_email',
                ...Object.fromEntries(settings.HUBSPOT_COMPANY_PROPERTIES),
              },
              currency: settings.HUBSPOT_CURRENCY,
              paymentTermsDays: settings.HUBSPOT_PAYMENT_TERMS_DAYS,
            },
          })
        : crmActivities(configured(settings, 'CRM_URL')),
  }),
  standIn: {
    needed: (settings) => (settings.CRM === 'hubspot' ? !settings.HUBSPOT_ACCESS_TOKEN : !settings.CRM_URL),
    async start(settings, { stateDir, host, intakeUrl }): Promise<RunningStandIn> {
      const boundPort = await localPort(settings.CRM_STANDIN_PORT, 'CRM_STANDIN_PORT', host);
      if (settings.CRM === 'hubspot') {
        const { startStandInHubSpot } = await import('./hubspot-stand-in.js');
        // The app's webhooks go to officeflow's HubSpot endpoint, as its settings in HubSpot would say.
        const targetUrl = new URL('/sources/hubspot', intakeUrl).href;
        const hubspot = await startStandInHubSpot(ensureStateDir(stateDir), boundPort, { host, targetUrl });
        return {
          settings: {
            HUBSPOT_URL: hubspot.url,
            HUBSPOT_ACCESS_TOKEN: hubspot.token,
            HUBSPOT_CLIENT_SECRETS: hubspot.clientSecret,
            CRM_STANDIN_PORT: String(boundPort),
          },
          shown: { label: 'CRM', value: `${hubspot.url}   (HubSpot stand-in: GET /standin/deals/:id)` },
          stop: hubspot.stop,
        };
      }
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
