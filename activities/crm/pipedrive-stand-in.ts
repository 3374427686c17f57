import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import Fastify, { type FastifyReply } from 'fastify';
import { keptJson } from '../../infra/state';
import { faultsOnDemand, sendAgainUntilTaken } from './vendor-stand-in';

/** A deal as Pipedrive's v2 API answers it (the fields officeflow reads, and the ones a webhook carries). */
interface PipedriveDeal {
  id: number;
  title: string;
  value: number;
  currency: string;
  status: 'open' | 'won' | 'lost';
  stage_id: number;
  pipeline_id: number;
  org_id: number | null;
  person_id: number | null;
  owner_id: number;
  add_time: string;
  update_time: string;
}

export interface StandInPipedriveDeal extends PipedriveDeal {
  /** Every stage it was moved to, in order. */
  stageHistory: number[];
}

interface PipedriveState {
  nextId: number;
  /** Where the webhook (v2) goes, and the HTTP Basic credentials set on it. */
  webhook: { targetUrl?: string; user?: string; password?: string };
  deals: Record<string, StandInPipedriveDeal>;
  dealProducts: Record<string, Array<{ id: number; deal_id: number; product_id: number; sum: number } & DealProduct>>;
  products: Record<string, { id: number; name: string; code: string | null }>;
  organizations: Record<
    string,
    { id: number; name: string; address: Record<string, string | null> | null; custom_fields: Record<string, unknown> }
  >;
  persons: Record<string, { id: number; name: string; emails: Array<{ value: string; primary: boolean; label: string }> }>;
  users: Record<string, { id: number; name: string; email: string }>;
  notes: Record<string, { id: number; content: string; deal_id: number; add_time: string }>;
}

/** A product on a deal: its price and quantity, any discount, whether it counts, how tax is applied to it. */
interface DealProduct {
  name: string;
  item_price: number;
  quantity: number;
  discount?: number;
  discount_type?: 'percentage' | 'amount';
  is_enabled?: boolean;
  tax?: number;
  tax_method?: 'exclusive' | 'inclusive' | 'none';
}

/** A product's line sum as Pipedrive shows it: price × quantity less its discount (a percentage, or an amount off the line). */
const sumOf = ({ item_price, quantity, discount = 0, discount_type = 'percentage' }: DealProduct) =>
  discount_type === 'amount' ? item_price * quantity - discount : (item_price * quantity * (100 - discount)) / 100;

/** A deal as a salesperson makes it in Pipedrive: its products, organization, person and owner. */
export interface NewPipedriveDeal {
  title?: string;
  currency?: string;
  stage_id?: number;
  products?: Array<{ code?: string } & DealProduct>;
  organization?: { name: string; address?: Record<string, string>; custom_fields?: Record<string, unknown> };
  person?: { name: string; email: string };
  owner?: { name?: string; email: string };
}

export interface StandInPipedrive {
  url: string;
  /** The API token it takes. */
  apiToken: string;
  stop(): Promise<void>;
}

/** Posts a webhook (v2) as Pipedrive does: JSON, with the HTTP Basic credentials set on the webhook, if any. */
export const postAsPipedrive = (url: string, { user, password }: { user?: string; password?: string }, body: object) =>
  fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(user ? { authorization: `Basic ${Buffer.from(`${user}:${password ?? ''}`).toString('base64')}` } : {}),
    },
    body: JSON.stringify(body),
  });

/** Pipedrive's error body: `{success: false, error, error_info?}`. */
const refuse = (reply: FastifyReply, status: number, error: string) =>
  reply.code(status).send({ success: false, error, errorCode: status });

/**
 * A stand-in for Pipedrive, speaking the part of its API that the `pipedrive` SDK calls for officeflow, each with the
 * company's API token in `x-api-token`: deals (v2: get, update, products), products, organizations and persons (v2),
 * users and notes (v1), under `/api` as a company's own domain serves them, in Pipedrive's `{success, data}` envelope. Like a salesperson in Pipedrive's UI, `POST
 * /standin/deals` makes a deal with its products, organization, person and owner, and `POST /standin/deals/:id/status`
 * marks it won or lost, which sends the webhook (v2: `meta`, `data`, `previous`) to its target with the HTTP Basic
 * credentials set on it (`POST /standin/webhook`). `GET /standin/deals/:id` shows a deal with its notes and every
 * stage it went through; `POST /standin/faults` makes the API refuse for a while.
 */
export async function startStandInPipedrive(
  dir: string,
  port: number,
  { host = '127.0.0.1', webhook }: { host?: string; webhook?: PipedriveState['webhook'] } = {},
): Promise<StandInPipedrive> {
  const { value: state, save } = keptJson<PipedriveState>(path.join(dir, 'pipedrive.json'), {
    // Ids apart from any other stand-in's sharing a database.
    nextId: 1_000_000 + randomBytes(3).readUIntBE(0, 3) * 100,
    webhook: {},
    deals: {},
    dealProducts: {},
    products: {},
    organizations: {},
    persons: {},
    users: {},
    notes: {},
  });
  if (webhook) state.webhook = webhook;
  const apiToken = randomBytes(20).toString('hex');
  const now = () => new Date().toISOString();
  const newId = () => state.nextId++;
  const envelope = (data: unknown, additional_data?: object) => ({ success: true, data, ...(additional_data ? { additional_data } : {}) });
  const shownDeal = ({ stageHistory: _history, ...deal }: StandInPipedriveDeal) => deal;

  /**
   * Sends the webhook for a deal's change as Pipedrive sends it (v2), again after a refusal: for changes in its web app
   * and through its API alike, `meta.change_source` saying which (Pipedrive changelog, 2021-06-22).
   */
  const sendWebhook = async (deal: StandInPipedriveDeal, previous: Partial<PipedriveDeal>, changeSource: 'app' | 'api') => {
    const { targetUrl, user, password } = state.webhook;
    if (!targetUrl) return { delivered: false, status: 0 };
    const id = randomUUID();
    const status = await sendAgainUntilTaken(async (attempt) => {
      const body = {
        meta: {
          action: 'change',
          entity: 'deal',
          entity_id: String(deal.id),
          id,
          correlation_id: randomUUID(),
          company_id: '1',
          user_id: String(deal.owner_id),
          webhook_id: '9',
          webhook_owner_id: '1',
          is_bulk_edit: false,
          timestamp: deal.update_time,
          type: 'general',
          version: '2.0',
          change_source: changeSource,
          attempt,
          host: 'standin.pipedrive.com',
        },
        data: shownDeal(deal),
        previous,
      };
      return (await postAsPipedrive(targetUrl, { user, password }, body)).status;
    });
    return { delivered: status >= 200 && status < 300, status, id };
  };

  const app = Fastify();
  const faulted = faultsOnDemand(app);
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/standin/')) return;
    if (request.headers['x-api-token'] !== apiToken) return refuse(reply, 401, 'unauthorized access');
    const fault = faulted();
    if (fault) {
      reply.header('retry-after', String(fault.retryAfterSeconds)).header('x-ratelimit-remaining', '0');
      return refuse(reply, fault.status, fault.status === 429 ? 'Request over limit' : 'Service unavailable');
    }
  });

  app.get('/standin/webhook', async () => ({ targetUrl: state.webhook.targetUrl }));
  app.post<{ Body: PipedriveState['webhook'] }>('/standin/webhook', async (request) => {
    state.webhook = request.body ?? {};
    save();
    return { targetUrl: state.webhook.targetUrl };
  });
  app.post<{ Body: NewPipedriveDeal }>('/standin/deals', async (request, reply) => {
    const { title = 'Deal', currency = 'EUR', stage_id = 1, products = [], organization, person, owner } = request.body ?? {};
    const id = newId();
    const org = organization && {
      id: newId(),
      name: organization.name,
      address: organization.address ?? null,
      custom_fields: organization.custom_fields ?? {},
    };
    if (org) state.organizations[org.id] = org;
    const who = person && { id: newId(), name: person.name, emails: [{ value: person.email, primary: true, label: 'work' }] };
    if (who) state.persons[who.id] = who;
    const user = { id: newId(), name: owner?.name ?? 'Sales rep', email: owner?.email ?? 'sales@standin.example' };
    state.users[user.id] = user;
    state.dealProducts[id] = products.map((product) => {
      const productId = newId();
      state.products[productId] = { id: productId, name: product.name, code: product.code ?? null };
      const { code: _code, ...attached } = product;
      return {
        discount: 0,
        discount_type: 'percentage' as const,
        is_enabled: true,
        tax: 0,
        tax_method: 'none' as const,
        ...attached,
        id: newId(),
        deal_id: id,
        product_id: productId,
        sum: sumOf(product),
      };
    });
    const deal: StandInPipedriveDeal = {
      id,
      title,
      value: products.filter((p) => p.is_enabled !== false).reduce((sum, p) => sum + sumOf(p), 0),
      currency,
      status: 'open',
      stage_id,
      pipeline_id: 1,
      org_id: org?.id ?? null,
      person_id: who?.id ?? null,
      owner_id: user.id,
      add_time: now(),
      update_time: now(),
      stageHistory: [],
    };
    state.deals[id] = deal;
    save();
    return reply.code(201).send(deal);
  });
  app.get<{ Params: { id: string } }>('/standin/deals/:id', async (request, reply) => {
    const deal = state.deals[request.params.id];
    if (!deal) return refuse(reply, 404, 'Deal not found');
    return {
      ...deal,
      notes: Object.values(state.notes)
        .filter((n) => n.deal_id === deal.id)
        .map((n) => n.content),
    };
  });
  // A salesperson marks the deal won (or lost): Pipedrive records it and sends the webhook.
  app.post<{ Params: { id: string }; Body: { status?: 'won' | 'lost' | 'open' } }>('/standin/deals/:id/status', async (request, reply) => {
    const deal = state.deals[request.params.id];
    const status = request.body?.status;
    if (!deal || !status) return refuse(reply, 400, 'a known deal and a "status" are needed');
    const previous = { status: deal.status };
    Object.assign(deal, { status, update_time: now() });
    save();
    return sendWebhook(deal, previous, 'app');
  });

  const dealOr404 = (id: string, reply: FastifyReply) => state.deals[id] ?? (refuse(reply, 404, 'Deal not found'), undefined);
  app.get<{ Params: { id: string } }>('/api/v2/deals/:id', async (request, reply) => {
    const deal = dealOr404(request.params.id, reply);
    return deal ? envelope(shownDeal(deal)) : reply;
  });
  app.patch<{ Params: { id: string }; Body: Partial<PipedriveDeal> }>('/api/v2/deals/:id', async (request, reply) => {
    const deal = dealOr404(request.params.id, reply);
    if (!deal) return reply;
    const { stage_id } = request.body ?? {};
    if (stage_id !== undefined && stage_id !== deal.stage_id) deal.stageHistory.push(stage_id);
    // `previous` holds the old value of each field the change changed.
    const previous = Object.fromEntries(
      Object.entries(request.body ?? {})
        .filter(([field, value]) => deal[field as keyof PipedriveDeal] !== value)
        .map(([field]) => [field, deal[field as keyof PipedriveDeal]]),
    );
    Object.assign(deal, request.body, { update_time: now() });
    save();
    // Pipedrive answers the call first and delivers the webhook on its own time.
    if (Object.keys(previous).length > 0) void sendWebhook(deal, previous, 'api');
    return envelope(shownDeal(deal));
  });
  app.get<{ Params: { id: string } }>('/api/v2/deals/:id/products', async (request, reply) =>
    dealOr404(request.params.id, reply) ? envelope(state.dealProducts[request.params.id] ?? [], { next_cursor: null }) : reply,
  );
  for (const [kind, objects, missing] of [
    ['products', state.products, 'Product not found'],
    ['organizations', state.organizations, 'Organization not found'],
    ['persons', state.persons, 'Person not found'],
  ] as const)
    app.get<{ Params: { id: string } }>(`/api/v2/${kind}/:id`, async (request, reply) => {
      const found = (objects as Record<string, unknown>)[request.params.id];
      return found ? envelope(found) : refuse(reply, 404, missing);
    });
  app.get<{ Params: { id: string } }>('/api/v1/users/:id', async (request, reply) => {
    const user = state.users[request.params.id];
    return user ? envelope({ ...user, active_flag: true, is_deleted: false }) : refuse(reply, 404, 'User not found');
  });
  app.get<{ Querystring: { deal_id?: string } }>('/api/v1/notes', async (request) => {
    const found = Object.values(state.notes).filter((note) => String(note.deal_id) === request.query.deal_id);
    return envelope(found.length ? found : null, { pagination: { start: 0, limit: 500, more_items_in_collection: false } });
  });
  app.post<{ Body: { content?: string; deal_id?: number } }>('/api/v1/notes', async (request, reply) => {
    const { content, deal_id } = request.body ?? {};
    if (!content || !deal_id || !state.deals[deal_id]) return refuse(reply, 400, 'A note needs content and a known deal_id');
    const note = { id: newId(), content, deal_id, add_time: now() };
    state.notes[note.id] = note;
    save();
    return reply.code(201).send(envelope(note));
  });

  const url = await app.listen({ host, port });
  return { url, apiToken, stop: () => app.close() };
}
