import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { httpUrl, pairList, port } from '../../config/fields';
import { DealStage } from '../../contracts/order';
import { localPort } from '../../infra/ports';
import { ensureStateDir } from '../../infra/state';
import { type RunningStandIn, configured, defineSystem } from '../system';
import { crmActivities } from './connector';
import { hubspotActivities } from './hubspot';
import { pipedriveActivities } from './pipedrive';
import { salesforceActivities } from './salesforce';

/** The CRM's settings: which CRM, and how to reach each. */
const CrmSettings = z.object({
  /** Which CRM's protocol: officeflow's own small API (an adapter of yours, or the stand-in), HubSpot's, Pipedrive's or Salesforce's. */
  CRM: z.enum(['officeflow', 'hubspot', 'pipedrive', 'salesforce']).default('officeflow'),
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
  /** Salesforce: the org's My Domain URL, and a connected app's consumer key and secret (client credentials flow). */
  SALESFORCE_LOGIN_URL: httpUrl.optional(),
  SALESFORCE_CLIENT_ID: z.string().min(1).optional(),
  SALESFORCE_CLIENT_SECRET: z.string().min(1).optional(),
  /** Salesforce: officeflow's milestones to Opportunity stages, e.g. `contract-approved=Negotiation/Review,contracted=Closed Won`. */
  SALESFORCE_DEAL_STAGES: pairList(z.string().min(1), 'contracted=Closed Won').pipe(
    z.array(z.tuple([DealStage, z.string()], { error: `must name officeflow's milestones: ${DealStage.options.join(', ')}` })),
  ),
  /** Salesforce: the Account fields (custom ones) that hold the buyer's VAT ID and billing e-mail. */
  SALESFORCE_ACCOUNT_FIELDS: pairList(z.string().min(1), 'vatId=VAT_Number__c,billingEmail=Billing_Email__c').pipe(
    z.array(z.tuple([z.enum(['vatId', 'billingEmail']), z.string()])),
  ),
  /** Salesforce: the currency of an org without multiple currencies, and payment terms. */
  SALESFORCE_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "EUR"')
    .default('EUR'),
  SALESFORCE_PAYMENT_TERMS_DAYS: z.coerce.number().int().min(0).max(365).default(30),
  /** Pipedrive: the company's API token; unset, the Pipedrive stand-in runs. */
  PIPEDRIVE_API_TOKEN: z.string().min(1).optional(),
  /** Pipedrive: the company's own address, e.g. `https://acme.pipedrive.com`. */
  PIPEDRIVE_URL: httpUrl.default('https://api.pipedrive.com'),
  /** Pipedrive: officeflow's milestones to the pipeline's stage ids, e.g. `invoiced=4,paid=5`. */
  PIPEDRIVE_DEAL_STAGES: pairList(z.string().regex(/^\d+$/, 'must be a stage id'), 'invoiced=4,paid=5').pipe(
    z.array(z.tuple([DealStage, z.string()], { error: `must name officeflow's milestones: ${DealStage.options.join(', ')}` })),
  ),
  /** Pipedrive: the organization custom fields (their keys) that hold the buyer's VAT ID and billing e-mail. */
  PIPEDRIVE_ORGANIZATION_FIELDS: pairList(z.string().min(1), 'vatId=4f1c…,billingEmail=9a2e…').pipe(
    z.array(z.tuple([z.enum(['vatId', 'billingEmail']), z.string()])),
  ),
  PIPEDRIVE_PAYMENT_TERMS_DAYS: z.coerce.number().int().min(0).max(365).default(30),
  HUBSPOT_DEAL_STAGES: pairList(z.string().min(1), 'contracted=closedwon,cancelled=closedlost').pipe(
    z.array(z.tuple([DealStage, z.string()], { error: `must name officeflow's milestones: ${DealStage.options.join(', ')}` })),
  ),
});
type CrmSettings = z.output<typeof CrmSettings>;

/** The activities every CRM's connector gives: the processes tell a deal's milestones without knowing which CRM. */
type CrmConnector = ReturnType<typeof crmActivities>;

/** A CRM's stand-in, running: the settings that point officeflow at it, where people look, and how it stops. */
interface CrmStandIn {
  settings: Record<string, string>;
  url: string;
  /** What `npm start` prints beside its address, e.g. `HubSpot stand-in: GET /standin/deals/:id`. */
  look: string;
  stop(): Promise<void>;
}

/** One CRM officeflow speaks: whether it is configured, its connector, and a stand-in whose webhooks reach the intake. */
interface Crm {
  configured(settings: CrmSettings): boolean;
  connect(settings: CrmSettings): CrmConnector;
  standIn(dir: string, port: number, host: string | undefined, intakeUrl: string): Promise<CrmStandIn>;
}

const crms: Record<CrmSettings['CRM'], Crm> = {
  officeflow: {
    configured: (settings) => Boolean(settings.CRM_URL),
    connect: (settings) => crmActivities(configured(settings, 'CRM_URL')),
    async standIn(dir, port, host) {
      const { startStandInCrm } = await import('./stand-in.js');
      const crm = await startStandInCrm(dir, port, host);
      return { settings: { CRM_URL: crm.url }, url: crm.url, look: 'stand-in: GET /deals/:id', stop: crm.stop };
    },
  },
  hubspot: {
    configured: (settings) => Boolean(settings.HUBSPOT_ACCESS_TOKEN),
    connect: (settings) =>
      hubspotActivities({
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
      }),
    async standIn(dir, port, host, intakeUrl) {
      const { startStandInHubSpot } = await import('./hubspot-stand-in.js');
      // The app's webhooks go to officeflow's HubSpot endpoint, as its settings in HubSpot would say.
      const hubspot = await startStandInHubSpot(dir, port, { host, targetUrl: new URL('/sources/hubspot', intakeUrl).href });
      return {
        settings: { HUBSPOT_URL: hubspot.url, HUBSPOT_ACCESS_TOKEN: hubspot.token, HUBSPOT_CLIENT_SECRETS: hubspot.clientSecret },
        url: hubspot.url,
        look: 'HubSpot stand-in: GET /standin/deals/:id',
        stop: hubspot.stop,
      };
    },
  },
  pipedrive: {
    configured: (settings) => Boolean(settings.PIPEDRIVE_API_TOKEN),
    connect: (settings) =>
      pipedriveActivities({
        apiToken: configured(settings, 'PIPEDRIVE_API_TOKEN'),
        baseUrl: settings.PIPEDRIVE_URL,
        stages: Object.fromEntries(settings.PIPEDRIVE_DEAL_STAGES.map(([milestone, stage]) => [milestone, Number(stage)])),
        organizationFields: Object.fromEntries(settings.PIPEDRIVE_ORGANIZATION_FIELDS),
        paymentTermsDays: settings.PIPEDRIVE_PAYMENT_TERMS_DAYS,
      }),
    async standIn(dir, port, host, intakeUrl) {
      const { startStandInPipedrive } = await import('./pipedrive-stand-in.js');
      // The webhook goes to officeflow's Pipedrive endpoint, with credentials of its own, as set on it in Pipedrive.
      const webhook = {
        targetUrl: new URL('/sources/pipedrive', intakeUrl).href,
        user: 'pipedrive',
        password: randomBytes(18).toString('hex'),
      };
      const pipedrive = await startStandInPipedrive(dir, port, { host, webhook });
      return {
        settings: {
          PIPEDRIVE_URL: pipedrive.url,
          PIPEDRIVE_API_TOKEN: pipedrive.apiToken,
          PIPEDRIVE_WEBHOOK_USER: webhook.user,
          PIPEDRIVE_WEBHOOK_PASSWORD: webhook.password,
        },
        url: pipedrive.url,
        look: 'Pipedrive stand-in: GET /standin/deals/:id',
        stop: pipedrive.stop,
      };
    },
  },
  salesforce: {
    configured: (settings) => Boolean(settings.SALESFORCE_CLIENT_ID),
    connect: (settings) =>
      salesforceActivities({
        loginUrl: configured(settings, 'SALESFORCE_LOGIN_URL'),
        clientId: configured(settings, 'SALESFORCE_CLIENT_ID'),
        clientSecret: configured(settings, 'SALESFORCE_CLIENT_SECRET'),
        stages: Object.fromEntries(settings.SALESFORCE_DEAL_STAGES),
        accountFields: { billingEmail: 'Billing_Email__c', ...Object.fromEntries(settings.SALESFORCE_ACCOUNT_FIELDS) },
        currency: settings.SALESFORCE_CURRENCY,
        paymentTermsDays: settings.SALESFORCE_PAYMENT_TERMS_DAYS,
      }),
    async standIn(dir, port, host, intakeUrl) {
      const { startStandInSalesforce } = await import('./salesforce-stand-in.js');
      // Outbound messages go to officeflow's Salesforce endpoint, its secret in the URL, as the outbound message says.
      const endpointToken = randomBytes(24).toString('hex');
      const targetUrl = new URL(`/sources/salesforce/${endpointToken}`, intakeUrl).href;
      const salesforce = await startStandInSalesforce(dir, port, { host, targetUrl });
      return {
        settings: {
          SALESFORCE_LOGIN_URL: salesforce.url,
          SALESFORCE_CLIENT_ID: salesforce.clientId,
          SALESFORCE_CLIENT_SECRET: salesforce.clientSecret,
          SALESFORCE_ORGANIZATION_IDS: salesforce.organizationId,
          SALESFORCE_ENDPOINT_TOKEN: endpointToken,
        },
        url: salesforce.url,
        look: 'Salesforce stand-in: GET /standin/opportunities/:id',
        stop: salesforce.stop,
      };
    },
  },
};

/** The CRM: where officeflow tells the front office how a deal is going. */
export default defineSystem({
  name: 'crm',
  settings: CrmSettings,
  connect: (settings): { activities: CrmConnector } => ({ activities: crms[settings.CRM].connect(settings) }),
  standIn: {
    needed: (settings) => !crms[settings.CRM].configured(settings),
    async start(settings, { stateDir, host, intakeUrl }): Promise<RunningStandIn> {
      const boundPort = await localPort(settings.CRM_STANDIN_PORT, 'CRM_STANDIN_PORT', host);
      const crm = await crms[settings.CRM].standIn(ensureStateDir(stateDir), boundPort, host, intakeUrl);
      return {
        settings: { ...crm.settings, CRM_STANDIN_PORT: String(boundPort) },
        shown: { label: 'CRM', value: `${crm.url}   (${crm.look})` },
        stop: crm.stop,
      };
    },
  },
});
