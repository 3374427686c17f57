import { ApplicationFailure } from '@temporalio/common';
import { Connection } from 'jsforce';
import type { DealStage, FetchingCrm, WonDeal } from '../../contracts/order';
import { noteMark, vendorFailure } from './vendor-answers';
import { asWonDeal, countryCodeOf, netUnitPrice } from './won-deal';

/**
 * The CRM connector for Salesforce, through `jsforce` and Salesforce's REST API: a milestone moves the Opportunity to
 * the `StageName` the settings map it to, and every note is a Task on the Opportunity. A milestone with no stage is
 * told as a Task.
 */
export interface SalesforceSettings {
  /** The org's My Domain URL (`https://acme.my.salesforce.com`), or a stand-in speaking its API. */
  loginUrl: string;
  /** A connected app's consumer key and secret, for the OAuth 2.0 client credentials flow. */
  clientId: string;
  clientSecret: string;
  /** officeflow's milestones to Opportunity stages, e.g. `{ contracted: 'Closed Won' }`. */
  stages: Partial<Record<DealStage, string>>;
  /** Which Account fields hold the buyer's VAT ID and billing e-mail (custom fields, e.g. `VAT_Number__c`). */
  accountFields: { vatId?: string; billingEmail?: string };
  /** The currency of an org without multiple currencies (an Opportunity names its own where it has them). */
  currency: string;
  paymentTermsDays: number;
}

/** Salesforce's REST API version officeflow speaks. */
const API_VERSION = '62.0';

/** Quotes a value for SOQL (ids and marks only: letters, digits, `:`). */
const soql = (value: string) => `'${value.replace(/[^A-Za-z0-9:]/g, '')}'`;

export function salesforceActivities({
  loginUrl,
  clientId,
  clientSecret,
  stages,
  accountFields,
  currency,
  paymentTermsDays,
}: SalesforceSettings) {
  let connected: Promise<Connection> | undefined;
  /** A connection signed in with the client credentials flow, signed in again when its token expires. */
  const connection = () =>
    (connected ??= (async () => {
      const conn: Connection = new Connection({
        oauth2: { loginUrl, clientId, clientSecret },
        version: API_VERSION,
        // The flow hands out no refresh token: sign in again instead.
        refreshFn: (c, callback) =>
          void c.authorize({ grant_type: 'client_credentials' }).then(
            () => callback(null, c.accessToken ?? undefined),
            (error: Error) => callback(error),
          ),
      });
      await conn.authorize({ grant_type: 'client_credentials' });
      return conn;
    })().catch((error: unknown) => {
      connected = undefined;
      throw error;
    }));

  /** Adds a Task to the Opportunity once per key: its subject carries the key's mark, found again after a retry. */
  const noteOnce = async (opportunityId: string, key: string, text: string) => {
    const conn = await connection();
    const mark = noteMark(key);
    // The mark is letters, digits and a colon: safe in a SOQL string as it is.
    const found = await conn.query(`SELECT Id FROM Task WHERE WhatId = ${soql(opportunityId)} AND Subject LIKE '%${mark}%'`);
    if (found.totalSize > 0) return;
    await conn
      .sobject('Task')
      .create({ WhatId: opportunityId, Subject: `officeflow: ${text.slice(0, 120)} (${mark})`, Description: text, Status: 'Completed' });
  };

  /** An Opportunity with what an order needs: its line items (with product codes), Account and owner. */
  const fetchOpportunity = async (opportunityId: string): Promise<WonDeal> => {
    const conn = await connection();
    const opportunity = (await conn.sobject('Opportunity').retrieve(opportunityId)) as Record<string, string | null> & { IsWon?: boolean };
    const lines = await conn.query<{ ProductCode: string | null; Quantity: number; UnitPrice: number; Discount: number | null }>(
      `SELECT ProductCode, Quantity, UnitPrice, Discount FROM OpportunityLineItem WHERE OpportunityId = ${soql(opportunityId)}`,
    );
    const [account, owner] = await Promise.all([
      opportunity.AccountId
        ? (conn.sobject('Account').retrieve(opportunity.AccountId) as Promise<Record<string, string | null>>)
        : undefined,
      opportunity.OwnerId ? (conn.sobject('User').retrieve(opportunity.OwnerId) as Promise<Record<string, string | null>>) : undefined,
    ]);
    const field = (name: keyof SalesforceSettings['accountFields']) => {
      const key = accountFields[name];
      return (key && account?.[key]) || undefined;
    };
    const street = account?.BillingStreet ?? undefined;
    return asWonDeal(
      'Salesforce',
      opportunityId,
      {
        dealId: opportunityId,
        customer: account && {
          id: account.Id,
          name: account.Name ?? undefined,
          billingEmail: field('billingEmail'),
          country: countryCodeOf(account.BillingCountryCode ?? account.BillingCountry),
          ...(street || account.BillingPostalCode || account.BillingCity
            ? { address: { street, postalCode: account.BillingPostalCode ?? undefined, city: account.BillingCity ?? undefined } }
            : {}),
          ...(field('vatId') ? { vatId: field('vatId') } : {}),
        },
        // `Discount` is a percentage: Salesforce's TotalPrice is Quantity × UnitPrice less it.
        lines: lines.records.map((line) => ({
          sku: line.ProductCode ?? undefined,
          quantity: line.Quantity,
          ...netUnitPrice(line.UnitPrice, line.Quantity, line.Discount ? { percent: line.Discount } : undefined),
        })),
        currency: opportunity.CurrencyIsoCode ?? currency,
        paymentTermsDays,
        salesRepEmail: owner?.Email ?? undefined,
      },
      { won: opportunity.IsWon === true },
    );
  };

  return {
    /** The won Opportunity the CRM named by id, with its lines, customer and sales rep: fails for good when it makes no order. */
    async fetchWonDeal({ dealId, crm }: { dealId: string; crm: FetchingCrm }): Promise<WonDeal> {
      if (crm !== 'salesforce')
        throw ApplicationFailure.nonRetryable(`a ${crm} deal, but officeflow is connected to Salesforce`, 'CrmMismatch');
      return told(`opportunity ${dealId}`, () => fetchOpportunity(dealId));
    },

    /** Moves an Opportunity to the stage mapped for the milestone (once: one already there is left alone), with its Task. */
    async updateDeal(update: { dealId: string; stage: DealStage; note?: string; updateKey: string }): Promise<void> {
      await told(`opportunity ${update.dealId} -> ${update.stage}`, async () => {
        const stageName = stages[update.stage];
        if (stageName) {
          const conn = await connection();
          const opportunity = (await conn.sobject('Opportunity').retrieve(update.dealId)) as { StageName?: string };
          if (opportunity.StageName !== stageName) await conn.sobject('Opportunity').update({ Id: update.dealId, StageName: stageName });
        }
        const note = stageName ? update.note : [`Milestone: ${update.stage}.`, update.note].filter(Boolean).join(' ');
        if (note) await noteOnce(update.dealId, update.updateKey, note);
      });
    },

    /** Adds a Task to an Opportunity, leaving its stage as it is. */
    async noteOnDeal(note: { dealId: string; text: string; noteKey: string }): Promise<void> {
      await told(`a note on opportunity ${note.dealId}`, () => noteOnce(note.dealId, note.noteKey, note.text));
    },
  };
}

/** Salesforce's error codes that pass: its API limits and outages (jsforce keeps the code, not the HTTP status). */
const PASSING = /^(REQUEST_LIMIT_EXCEEDED|SERVER_UNAVAILABLE|UNABLE_TO_LOCK_ROW|ERROR_HTTP_(429|5\d\d))$/;

/**
 * Runs a call to Salesforce, its refusals as Temporal failures (see `vendorFailure`): limits and outages are tried
 * again (jsforce itself retries a GET a few times first), anything else fails for good quoting Salesforce's error code,
 * message and fields (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm).
 */
async function told<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const refused = error as { errorCode?: string; message?: string; data?: { fields?: string[] } };
    if (typeof refused.errorCode !== 'string') throw error;
    const fields = refused.data?.fields?.length ? ` (${refused.data.fields.join(', ')})` : '';
    throw vendorFailure('Salesforce', what, {
      passing: PASSING.test(refused.errorCode),
      message: `${refused.errorCode}: ${refused.message ?? ''}${fields}`,
    });
  }
}
