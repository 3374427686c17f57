import { heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import type { Page } from 'puppeteer-core';
import type { BrowserPool } from '../../infra/browser';

export interface LegacyErpAccess {
  url: string;
  user: string;
  password: string;
}

/** The portal's confirmation page is slow; everything else answers at once. */
const SLOW_PAGE_MS = 60_000;

async function signIn(page: Page, erp: LegacyErpAccess): Promise<void> {
  await page.goto(new URL('/login', erp.url).href);
  await page.type('#user', erp.user);
  await page.type('#password', erp.password);
  await Promise.all([page.waitForNavigation(), page.click('#sign-in')]);
  const refused = await page.$eval('#error', (el) => el.textContent).catch(() => null);
  if (refused) throw ApplicationFailure.nonRetryable(`legacy ERP refused the sign-in: ${refused}`, 'LegacyErpSignInRefused');
}

/** The legacy order that carries our order number as its reference, if the portal has one. */
async function findByReference(page: Page, erp: LegacyErpAccess, reference: string) {
  await page.goto(new URL(`/orders?reference=${encodeURIComponent(reference)}`, erp.url).href);
  const rows = await page.$$eval('#orders tr.order', (trs) =>
    trs.map((tr) => ({
      number: tr.querySelector('.number')?.textContent?.trim() ?? '',
      reference: tr.querySelector('.reference')?.textContent?.trim() ?? '',
      status: tr.querySelector('.status')?.textContent?.trim() ?? '',
    })),
  );
  return rows.find((row) => row.reference === reference);
}

/** Heartbeats while a browser session runs, so a worker that dies mid-session is noticed within seconds. */
async function whileBeating<T>(session: () => Promise<T>): Promise<T> {
  const beat = setInterval(() => heartbeat(), 2000);
  try {
    return await session();
  } finally {
    clearInterval(beat);
  }
}

/**
 * The browser robot for the legacy ERP portal, which has no API: it types orders in through a real Chromium,
 * as a clerk would. It looks for the order first, so a retried step never keys an order twice.
 */
export function legacyErpActivities(pool: Pool, browser: BrowserPool, erp: LegacyErpAccess) {
  return {
    async enterOrderInLegacyErp(orderNumber: string): Promise<{ legacyOrderNumber: string }> {
      const {
        rows: [order],
      } = await pool.query('SELECT customer_number, currency FROM sales_orders WHERE order_number = $1', [orderNumber]);
      const { rows: lines } = await pool.query(
        'SELECT sku, quantity, unit_price::text FROM sales_order_lines WHERE order_number = $1 ORDER BY line_no',
        [orderNumber],
      );
      const legacyOrderNumber = await whileBeating(() =>
        browser.withPage(async (page) => {
          await signIn(page, erp);
          const existing = await findByReference(page, erp, orderNumber);
          if (existing) return existing.number;
          await page.goto(new URL('/orders/new', erp.url).href);
          await page.type('#customer', order.customer_number);
          await page.type('#order-reference', orderNumber);
          await page.select('#currency', order.currency);
          for (const [index, line] of lines.entries()) {
            await page.type(`#sku_${index + 1}`, line.sku);
            await page.type(`#qty_${index + 1}`, String(line.quantity));
            await page.type(`#price_${index + 1}`, line.unit_price);
          }
          await Promise.all([page.waitForNavigation({ timeout: SLOW_PAGE_MS }), page.click('#save')]);
          const errors = await page.$$eval('.error', (els) => els.map((el) => el.textContent?.trim() ?? ''));
          if (errors.length > 0) {
            throw ApplicationFailure.nonRetryable(`legacy ERP refused order ${orderNumber}: ${errors.join(' ')}`, 'LegacyErpRefusedOrder');
          }
          return page.$eval('#legacy-order-number', (el) => el.textContent?.trim() ?? '');
        }),
      );
      await pool.query('UPDATE sales_orders SET legacy_order_number = $2 WHERE order_number = $1', [orderNumber, legacyOrderNumber]);
      return { legacyOrderNumber };
    },

    async cancelOrderInLegacyErp(orderNumber: string): Promise<void> {
      await whileBeating(() =>
        browser.withPage(async (page) => {
          await signIn(page, erp);
          const existing = await findByReference(page, erp, orderNumber);
          if (!existing || existing.status === 'cancelled') return;
          await page.goto(new URL(`/orders/${existing.number}`, erp.url).href);
          await Promise.all([page.waitForNavigation(), page.click('#cancel')]);
        }),
      );
    },
  };
}
