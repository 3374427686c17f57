import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { keptJson } from '../../infra/state';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';

/** An order as the legacy ERP keeps it. */
export interface LegacyOrder {
  number: string;
  reference: string;
  customer: string;
  currency: string;
  lines: Array<{ sku: string; quantity: number; price: string }>;
  status: 'open' | 'cancelled';
}

export interface LegacyErpPortal {
  url: string;
  stop(): Promise<void>;
}

const LINE_ROWS = 8;
const escape = (value: unknown) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title: string, body: string) => `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)} - ERP 2003</title>
<style>body{font-family:Verdana,sans-serif;font-size:12px;background:#d4d0c8}.error{color:#a00}table{border-collapse:collapse}td,th{border:1px solid #888;padding:2px 6px}</style>
</head><body><h2>ERP 2003 &mdash; ${escape(title)}</h2>${body}</body></html>`;

/**
 * A stand-in for a legacy ERP web portal that has no API: server-rendered pages with a login, an order entry
 * form with validation errors, a search, a cancel button, and a slow confirmation page. officeflow's browser
 * robot types into it through a real Chromium, as it would into the real portal.
 */
export async function startLegacyErpPortal(options: {
  dir: string;
  port: number;
  user: string;
  password: string;
  /** How long the confirmation page takes, as the real one does. */
  slowPageMs: number;
  host?: string;
}): Promise<LegacyErpPortal> {
  const { value: orders, save } = keptJson<LegacyOrder[]>(path.join(options.dir, 'legacy-erp.json'), []);
  const sessions = new Set<string>();
  const signedIn = (request: FastifyRequest) => sessions.has(/session=(\w+)/.exec(request.headers.cookie ?? '')?.[1] ?? '');

  const app = Fastify();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/login') && !signedIn(request)) return reply.redirect('/login');
  });
  const html = (reply: FastifyReply, title: string, body: string, status = 200) =>
    reply.code(status).type('text/html').send(page(title, body));

  const loginForm = (error = '') => `${error ? `<p class="error" id="error">${escape(error)}</p>` : ''}
    <form method="post" action="/login"><p>User <input name="user" id="user"></p>
    <p>Password <input name="password" id="password" type="password"></p><p><button id="sign-in">Sign in</button></p></form>`;
  app.get('/login', async (_request, reply) => html(reply, 'Sign in', loginForm()));
  app.post<{ Body: Record<string, string> }>('/login', async (request, reply) => {
    if (request.body.user !== options.user || request.body.password !== options.password) {
      return html(reply, 'Sign in', loginForm('Invalid user name or password.'), 401);
    }
    const session = randomBytes(16).toString('hex');
    sessions.add(session);
    return reply.header('set-cookie', `session=${session}; HttpOnly; Path=/`).redirect('/orders');
  });

  app.get<{ Querystring: { reference?: string } }>('/orders', async (request, reply) => {
    const found = orders.filter((o) => !request.query.reference || o.reference === request.query.reference);
    const rows = found
      .map(
        (o) =>
          `<tr class="order"><td class="number"><a href="/orders/${o.number}">${o.number}</a></td><td class="reference">${escape(o.reference)}</td><td>${escape(o.customer)}</td><td class="status">${o.status}</td></tr>`,
      )
      .join('');
    return html(
      reply,
      'Orders',
      `<form method="get" action="/orders">Reference <input name="reference" id="reference"><button id="search">Search</button></form>
      <p><a href="/orders/new" id="new-order">New order</a></p>
      <table id="orders"><tr><th>Order</th><th>Reference</th><th>Customer</th><th>Status</th></tr>${rows}</table>`,
    );
  });

  const orderForm = (values: Record<string, string> = {}, errors: string[] = []) => {
    const lineRows = Array.from({ length: LINE_ROWS }, (_, i) => {
      const n = i + 1;
      return `<tr><td><input name="sku_${n}" id="sku_${n}" value="${escape(values[`sku_${n}`] ?? '')}"></td>
        <td><input name="qty_${n}" id="qty_${n}" value="${escape(values[`qty_${n}`] ?? '')}"></td>
        <td><input name="price_${n}" id="price_${n}" value="${escape(values[`price_${n}`] ?? '')}"></td></tr>`;
    }).join('');
    return `${errors.map((e) => `<p class="error">${escape(e)}</p>`).join('')}
      <form method="post" action="/orders"><p>Customer no. <input name="customer" id="customer" value="${escape(values.customer ?? '')}"></p>
      <p>Your reference <input name="reference" id="order-reference" value="${escape(values.reference ?? '')}"></p>
      <p>Currency <select name="currency" id="currency">${['EUR', 'USD', 'GBP', 'CHF'].map((c) => `<option${values.currency === c ? ' selected' : ''}>${c}</option>`).join('')}</select></p>
      <table><tr><th>Item no.</th><th>Qty</th><th>Price</th></tr>${lineRows}</table>
      <p><button id="save">Save order</button></p></form>`;
  };
  app.get('/orders/new', async (_request, reply) => html(reply, 'New order', orderForm()));

  app.post<{ Body: Record<string, string> }>('/orders', async (request, reply) => {
    const values = request.body;
    const errors: string[] = [];
    if (!values.customer?.trim()) errors.push('Customer no. is required.');
    if (!values.reference?.trim()) errors.push('Your reference is required.');
    const duplicate = orders.find((o) => o.reference === values.reference);
    if (duplicate) errors.push(`Reference ${values.reference} is already used by order ${duplicate.number}.`);
    const lines = [];
    for (let n = 1; n <= LINE_ROWS; n++) {
      const sku = values[`sku_${n}`]?.trim();
      if (!sku) continue;
      const quantity = Number(values[`qty_${n}`]);
      if (!Number.isInteger(quantity) || quantity < 1 || quantity > 9999)
        errors.push(`Line ${n}: quantity must be a whole number from 1 to 9999.`);
      if (!/^\d+(\.\d{1,2})?$/.test(values[`price_${n}`] ?? '')) errors.push(`Line ${n}: price must look like 123.45.`);
      lines.push({ sku, quantity, price: values[`price_${n}`] });
    }
    if (lines.length === 0) errors.push('An order needs at least one line.');
    if (errors.length > 0) return html(reply, 'New order', orderForm(values, errors), 422);

    const order: LegacyOrder = {
      number: `L-${String(orders.length + 1).padStart(6, '0')}`,
      reference: values.reference,
      customer: values.customer,
      currency: values.currency,
      lines,
      status: 'open',
    };
    orders.push(order);
    save();
    await new Promise((resolve) => setTimeout(resolve, options.slowPageMs));
    return reply.redirect(`/orders/${order.number}`);
  });

  app.get<{ Params: { number: string } }>('/orders/:number', async (request, reply) => {
    const order = orders.find((o) => o.number === request.params.number);
    if (!order) return html(reply, 'Not found', '<p class="error">No such order.</p>', 404);
    return html(
      reply,
      `Order ${order.number}`,
      `<p>Order <b id="legacy-order-number">${order.number}</b> (reference ${escape(order.reference)}) is <span id="status">${order.status}</span>.</p>
      ${order.status === 'open' ? `<form method="post" action="/orders/${order.number}/cancel"><button id="cancel">Cancel order</button></form>` : ''}`,
    );
  });

  app.post<{ Params: { number: string } }>('/orders/:number/cancel', async (request, reply) => {
    const order = orders.find((o) => o.number === request.params.number);
    if (order) {
      order.status = 'cancelled';
      save();
    }
    return reply.redirect(`/orders/${request.params.number}`);
  });

  const url = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port });
  return { url, stop: () => app.close() };
}
