import { MockActivityEnvironment } from '@temporalio/testing';
import Bottleneck from 'bottleneck';
import type { Logger } from 'pino';
import { connectSystems } from '../activities';
import { publicUrl } from '../config';
import { BrowserPool, browserPool } from '../infra/browser';
import { decisionLinks } from '../codec/decision-links';
import { runBurst } from './burst';
import type { BenchEngine } from './local-engine';

export interface RobotRow {
  /** "pooled": the worker's browser pool; "fresh browser": a Chromium launched for each entry. */
  layer: 'pooled' | 'fresh browser';
  /** Entries at once. */
  concurrency: number;
  entries: number;
  seconds: number;
  entriesPerMinute: number;
}

/** New sales orders, copies of one the engine made, for robots to key into the legacy ERP. */
async function ordersToKey(bench: BenchEngine, count: number, tag: string): Promise<string[]> {
  const { pool } = bench.target;
  const source = async () =>
    (await pool.query<{ order_number: string }>('SELECT order_number FROM sales_orders ORDER BY created_at LIMIT 1')).rows[0]?.order_number;
  if (!(await source())) await runBurst(bench.target, { runs: { 'order-to-cash': 1 } });
  const from = (await source())!;
  const orders: string[] = [];
  for (let i = 0; i < count; i++) {
    const {
      rows: [{ order_number: order }],
    } = await pool.query<{ order_number: string }>(
      `INSERT INTO sales_orders (deal_id, customer_number, currency, net_total, payment_terms_days)
         SELECT $1, customer_number, currency, net_total, payment_terms_days FROM sales_orders WHERE order_number = $2 RETURNING order_number`,
      [`BENCH-${tag}-${i}`, from],
    );
    await pool.query(
      `INSERT INTO sales_order_lines (order_number, line_no, sku, quantity, unit_price)
         SELECT $1, line_no, sku, quantity, unit_price FROM sales_order_lines WHERE order_number = $2`,
      [order, from],
    );
    orders.push(order);
  }
  return orders;
}

/**
 * Legacy ERP entries per minute by the real robot (`enterOrderInLegacyErp`) against the stand-in portal at its real
 * speed, `concurrency` at a time: through a browser pool of that many pages, or with a Chromium launched for each
 * entry. The portal's own limits are lifted to `concurrency` robots and no rate limit, so the robot layer is measured.
 */
export async function measureRobots(
  bench: BenchEngine,
  log: Logger,
  { entries, concurrency, layer }: { entries: number; concurrency: number; layer: RobotRow['layer'] },
): Promise<RobotRow> {
  const config = {
    ...bench.infra.config,
    LEGACY_ERP_CONCURRENCY: concurrency,
    LEGACY_ERP_PER_MINUTE: 1_000_000,
    BROWSER_PAGES: concurrency,
  };
  const browser =
    layer === 'pooled' ? browserPool(config) : new BrowserPool({ executablePath: config.CHROME_PATH, size: concurrency, recycleAfter: 1 });
  const { pool } = bench.target;
  const systems = connectSystems(config, {
    pool,
    browser,
    decisionLinks: decisionLinks(config.OFFICEFLOW_ENCRYPTION_KEY!, publicUrl(config)),
    publicUrl: publicUrl(config),
    engine: config.TASK_QUEUE_SUFFIX,
    log,
  });
  const orders = await ordersToKey(bench, concurrency + entries, `${layer === 'pooled' ? 'P' : 'F'}${Date.now()}`);
  const enter = systems.robots.enterOrderInLegacyErp!;
  try {
    const limiter = new Bottleneck({ maxConcurrent: concurrency });
    // A round of entries first, as a worker that has been running has its browser and its pages up.
    await Promise.all(orders.splice(0, concurrency).map((order) => new MockActivityEnvironment().run(enter, order)));
    const started = Date.now();
    await Promise.all(orders.map((order) => limiter.schedule(() => new MockActivityEnvironment().run(enter, order))));
    const seconds = (Date.now() - started) / 1000;
    return { layer, concurrency, entries: orders.length, seconds, entriesPerMinute: (orders.length / seconds) * 60 };
  } finally {
    await systems.close();
    await browser.close();
  }
}
