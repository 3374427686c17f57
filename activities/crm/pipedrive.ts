import { ApplicationFailure } from '@temporalio/common';
import axios, { type AxiosAdapter, isAxiosError } from 'axios';
import { Configuration as V1, NotesApi, UsersApi } from 'pipedrive/v1';
import { Configuration as V2, DealProductsApi, DealsApi, OrganizationsApi, PersonsApi, ProductsApi } from 'pipedrive/v2';
import type { DealStage, FetchingCrm, WonDeal } from '../../contracts/order';
import { noteMark, passes, vendorFailure } from './vendor-answers';
import { type LineDiscount, asWonDeal, countryCodeOf, netUnitPrice } from './won-deal';

/**
 * The CRM connector for Pipedrive, through Pipedrive's own SDK (`pipedrive`, its v2 API where it has one, v1 for users
 * and notes): a milestone moves the deal to the stage the settings map it to (`stage_id`), and every note is a note on
 * the deal. A milestone the pipeline has no stage for is told as a note.
 */
export interface PipedriveSettings {
  apiToken: string;
  /** The company's Pipedrive (`https://acme.pipedrive.com`), or a stand-in speaking its API. */
  baseUrl: string;
  /** officeflow's milestones to the pipeline's stage ids, e.g. `{ paid: 5 }`. */
  stages: Partial<Record<DealStage, number>>;
  /** Which organization custom fields (by their key, a hash) hold the buyer's VAT ID and billing e-mail. */
  organizationFields: { vatId?: string; billingEmail?: string };
  /** Payment terms of a deal (Pipedrive's deals have none). */
  paymentTermsDays: number;
}

/** Pipedrive's refusal, kept whole: the SDK would otherwise pass on its body alone, without status or `Retry-After`. */
class PipedriveAnswer extends Error {
  constructor(
    readonly status: number,
    readonly headers: Record<string, unknown>,
    readonly body: unknown,
  ) {
    super(`Pipedrive answered ${status}`);
  }
}

/** axios's own adapter, its refusals thrown as `PipedriveAnswer`s. */
const keepingAnswers: AxiosAdapter = async (request) => {
  try {
    return await axios.getAdapter(axios.defaults.adapter)(request);
  } catch (error) {
    if (isAxiosError(error) && error.response)
      throw new PipedriveAnswer(error.response.status, { ...error.response.headers }, error.response.data);
    throw error;
  }
};

export function pipedriveActivities({ apiToken, baseUrl, stages, organizationFields, paymentTermsDays }: PipedriveSettings) {
  const root = baseUrl.replace(/\/$/, '');
  // The SDK sends the token as `x-api-token`; no retries of its own: Temporal retries the step (see `refusal`).
  // A company's own domain serves both versions under /api (https://acme.pipedrive.com/api/v1, /api/v2).
  const v1 = new V1({ apiKey: apiToken, basePath: `${root}/api/v1` });
  const v2 = new V2({ apiKey: apiToken, basePath: `${root}/api/v2` });
  for (const configuration of [v1, v2]) configuration.baseOptions = { adapter: keepingAnswers };
  const deals = new DealsApi(v2);
  const notes = new NotesApi(v1);

  /** Adds a note to the deal once per key: a note bearing the key's mark is already there after a retry. */
  const noteOnce = async (dealId: number, key: string, text: string) => {
    const mark = noteMark(key);
    // Pipedrive answers `data: null` for a deal without notes.
    const { data } = await notes.getNotes({ deal_id: dealId, limit: 500 });
    if ((data ?? []).some((note) => note.content?.includes(mark))) return;
    await notes.addNote({ AddNoteRequest: { content: `${text}\n\n(${mark})`, deal_id: dealId } });
  };

  /** A deal with what an order needs: its products (with their codes), organization, person and owner. */
  const fetchDeal = async (dealId: number): Promise<WonDeal> => {
    const { data: deal } = await deals.getDeal({ id: dealId });
    if (!deal) throw new PipedriveAnswer(404, {}, { error: 'Deal not found' });
    const { data: products = [] } = await new DealProductsApi(v2).getDealProducts({ id: dealId, limit: 100 });
    const catalog = new ProductsApi(v2);
    // A disabled product stays on the deal without counting towards its value: it is not sold.
    const invoiced = await Promise.all(
      products
        .filter((product) => product.is_enabled !== false)
        .map(async (product) => ({
          product,
          code: product.product_id ? (await catalog.getProduct({ id: product.product_id })).data?.code : undefined,
        })),
    );
    const [organization, person, owner] = await Promise.all([
      deal.org_id ? new OrganizationsApi(v2).getOrganization({ id: deal.org_id }) : undefined,
      deal.person_id ? new PersonsApi(v2).getPerson({ id: deal.person_id }) : undefined,
      deal.owner_id ? new UsersApi(v1).getUser({ id: deal.owner_id }) : undefined,
    ]);
    const org = organization?.data;
    const custom = (org?.custom_fields ?? {}) as Record<string, unknown>;
    const field = (name: keyof PipedriveSettings['organizationFields']) => {
      const key = organizationFields[name];
      const value = key ? custom[key] : undefined;
      return typeof value === 'string' && value ? value : undefined;
    };
    const address = org?.address;
    const emails = (person?.data?.emails ?? []) as Array<{ value?: string; primary?: boolean }>;
    const street = [address?.route, address?.street_number].filter(Boolean).join(' ') || undefined;
    return asWonDeal(
      'Pipedrive',
      String(dealId),
      {
        dealId: String(dealId),
        customer: org && {
          id: String(org.id),
          name: org.name ?? undefined,
          billingEmail: field('billingEmail') ?? (emails.find((e) => e.primary) ?? emails[0])?.value,
          country: countryCodeOf(address?.country),
          ...(street || address?.postal_code || address?.locality
            ? { address: { street, postalCode: address?.postal_code ?? undefined, city: address?.locality ?? undefined } }
            : {}),
          ...(field('vatId') ? { vatId: field('vatId') } : {}),
        },
        lines: invoiced.map(({ product, code }) => ({
          sku: code ?? undefined,
          quantity: product.quantity,
          ...netUnitPrice(product.item_price, product.quantity, discountOf(product)),
        })),
        currency: deal.currency,
        paymentTermsDays,
        salesRepEmail: owner?.data?.email,
      },
      {
        won: deal.status === 'won',
        // officeflow invoices net prices and adds VAT itself: a price with the tax in it would be taxed twice.
        problems: invoiced.flatMap(({ product }, index) =>
          product.tax_method === 'inclusive' && Number(product.tax)
            ? [`lines.${index}.unitPrice: includes ${product.tax}% tax in Pipedrive; officeflow needs the net price`]
            : [],
        ),
      },
    );
  };

  return {
    /** The won deal the CRM named by id, with its lines, customer and sales rep: fails for good when it makes no order. */
    async fetchWonDeal({ dealId, crm }: { dealId: string; crm: FetchingCrm }): Promise<WonDeal> {
      if (crm !== 'pipedrive')
        throw ApplicationFailure.nonRetryable(`a ${crm} deal, but officeflow is connected to Pipedrive`, 'CrmMismatch');
      return told(`deal ${dealId}`, () => fetchDeal(Number(dealId)));
    },

    /** Moves a deal to the stage mapped for the milestone (once: a deal already there is left alone), with its note. */
    async updateDeal(update: { dealId: string; stage: DealStage; note?: string; updateKey: string }): Promise<void> {
      await told(`deal ${update.dealId} -> ${update.stage}`, async () => {
        const id = Number(update.dealId);
        const stageId = stages[update.stage];
        if (stageId) {
          const { data: deal } = await deals.getDeal({ id });
          if (deal?.stage_id !== stageId) await deals.updateDeal({ id, UpdateDealRequest: { stage_id: stageId } });
        }
        const note = stageId ? update.note : [`Milestone: ${update.stage}.`, update.note].filter(Boolean).join(' ');
        if (note) await noteOnce(id, update.updateKey, note);
      });
    },

    /** Adds a note to a deal, leaving its stage as it is. */
    async noteOnDeal(note: { dealId: string; text: string; noteKey: string }): Promise<void> {
      await told(`a note on deal ${note.dealId}`, () => noteOnce(Number(note.dealId), note.noteKey, note.text));
    },
  };
}

/**
 * Runs a call to Pipedrive, its refusals as Temporal failures (see `vendorFailure`): its rate limit answers 429
 * (https://pipedrive.readme.io/docs/core-api-concepts-rate-limiting), waited out as `Retry-After` or
 * `x-ratelimit-reset` says.
 */
async function told<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof PipedriveAnswer)) throw error;
    const body = readBody(error.body);
    const wait = Number(error.headers['retry-after'] ?? error.headers['x-ratelimit-reset']);
    throw vendorFailure('Pipedrive', what, {
      passing: passes(error.status),
      message: `${error.status} ${[body.error, body.error_info].filter(Boolean).join(': ') || String(error.body ?? '').slice(0, 200)}`,
      retryAfterSeconds: wait > 0 ? wait : undefined,
    });
  }
}

/** Pipedrive's error body (`{success: false, error, error_info}`), which reaches the adapter as the text it was sent. */
function readBody(body: unknown): { error?: string; error_info?: string } {
  if (typeof body !== 'string') return (body ?? {}) as { error?: string; error_info?: string };
  try {
    return JSON.parse(body) as { error?: string; error_info?: string };
  } catch {
    return {};
  }
}

/**
 * A deal product's discount: a percentage or an amount off the line (`discount_type`; Pipedrive's changelog "Update
 * to the logic of product discounts", 2023-10-25, added amounts beside percentages).
 */
const discountOf = (product: { discount?: number; discount_type?: string }): LineDiscount | undefined =>
  !product.discount ? undefined : product.discount_type === 'amount' ? { offLine: product.discount } : { percent: product.discount };
