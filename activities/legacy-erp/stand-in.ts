import { markup, type PortalStandInOptions, type RunningPortal, startPortalStandIn } from '../robots/portal-stand-in';

/** An order as the legacy ERP keeps it. */
export interface LegacyOrder {
  number: string;
  reference: string;
  customer: string;
  currency: string;
  lines: Array<{ sku: string; quantity: number; price: string }>;
  status: 'open' | 'cancelled';
}

const LINE_ROWS = 8;
const { escape } = markup;

/**
 * A stand-in for a legacy ERP web portal that has no API: an order entry form with validation messages, a search,
 * a cancel button and a slow confirmation page, behind the portal scaffold's sign-in and rough edges.
 */
export function startLegacyErpPortal(options: PortalStandInOptions): Promise<RunningPortal> {
  return startPortalStandIn(
    { title: 'ERP 2003', file: 'legacy-erp.json', initial: [] as LegacyOrder[], home: '/orders' },
    options,
    ({ app, records: orders, save, page, slowly, setsStatus }) => {
      app.get<{ Querystring: { reference?: string } }>('/orders', async (request, reply) => {
        const found = orders.filter((o) => !request.query.reference || o.reference === request.query.reference);
        const rows = found.map((o) => [`<a href="/orders/${o.number}">${o.number}</a>`, escape(o.reference), escape(o.customer), o.status]);
        return page(
          reply,
          'Orders',
          `<form method="get" action="/orders">${markup.field('Reference', 'reference')}${markup.button('Search')}</form>
          <p><a href="/orders/new">New order</a></p>${markup.table('Orders', ['Order', 'Reference', 'Customer', 'Status'], rows)}`,
        );
      });

      const orderForm = (values: Record<string, string> = {}, errors: string[] = []) => {
        const cell = (label: string, name: string) =>
          `<td><input name="${name}" aria-label="${label}" value="${escape(values[name] ?? '')}"></td>`;
        const lineRows = Array.from(
          { length: LINE_ROWS },
          (_, i) =>
            `<tr>${cell(`Item no. ${i + 1}`, `sku_${i + 1}`)}${cell(`Quantity ${i + 1}`, `qty_${i + 1}`)}${cell(`Price ${i + 1}`, `price_${i + 1}`)}</tr>`,
        ).join('');
        return `${markup.alerts(errors)}<form method="post" action="/orders">
          ${markup.field('Customer no.', 'customer', values.customer)}${markup.field('Your reference', 'reference', values.reference)}
          ${markup.select('Currency', 'currency', ['EUR', 'USD', 'GBP', 'CHF'], values.currency)}
          <table><tr><th>Item no.</th><th>Qty</th><th>Price</th></tr>${lineRows}</table>${markup.button('Save order')}</form>`;
      };
      app.get('/orders/new', async (_request, reply) => page(reply, 'New order', orderForm()));

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
        if (errors.length > 0) return page(reply, 'New order', orderForm(values, errors), 422);

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
        await slowly();
        return reply.redirect(`/orders/${order.number}`);
      });

      app.get<{ Params: { number: string } }>('/orders/:number', async (request, reply) => {
        const order = orders.find((o) => o.number === request.params.number);
        if (!order) return page(reply, 'Not found', markup.alerts(['No such order.']), 404);
        return page(
          reply,
          `Order ${order.number}`,
          `${markup.output('Order no.', 'number', order.number)}${markup.output('Status', 'status', order.status)}
          <p>Your reference: ${escape(order.reference)}</p>
          ${order.status === 'open' ? `<form method="post" action="/orders/${order.number}/cancel">${markup.button('Cancel order')}</form>` : ''}`,
        );
      });

      setsStatus('/orders', 'cancel', (number) => orders.find((o) => o.number === number), 'cancelled');
    },
  );
}
