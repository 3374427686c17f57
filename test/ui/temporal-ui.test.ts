import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { encryptionCodec } from '../../codec/data-converter';
import { buildCodecServer } from '../../web/codec';
import { hostsOfListener } from '../../web/listener-hosts';
import { sendEvent } from '../../web/events/send';
import { type TestEngine, eventually, startTestEngine, stateDir } from '../support/engine';
import { dealDesk, orderToCashTestSettings } from '../support/deals';

/**
 * What an operator sees in the Temporal UI (the dev server's, as `npm start` serves it), checked in Chromium: a run
 * found by officeflow's search attributes, and its summary, current details and steps in business words, decrypted
 * through the codec endpoint. Screenshots are kept in the test run's state folder.
 */
let engine: TestEngine;
let codec: FastifyInstance;
let browser: Browser;
let uiUrl: string;
beforeAll(async () => {
  engine = await startTestEngine({ settings: { 'order-to-cash': orderToCashTestSettings } });
  uiUrl = `http://127.0.0.1:${engine.settings.TEMPORAL_UI_PORT}`;
  const codecPort = Number(process.env.OFFICEFLOW_TEST_CODEC_PORT);
  const hosts = hostsOfListener('127.0.0.1', codecPort);
  codec = buildCodecServer({ codec: encryptionCodec(engine.settings.OFFICEFLOW_ENCRYPTION_KEY!), uiUrl, hosts }, pino({ level: 'silent' }));
  await codec.listen({ host: '127.0.0.1', port: codecPort });
  browser = await puppeteer.launch({ executablePath: engine.settings.CHROME_PATH, args: ['--no-sandbox'], headless: 'shell' });
});
afterAll(async () => {
  await browser?.close();
  await codec?.close();
  await engine.stop();
});

/** The visible text of the page and its frames (the UI renders summaries and details, Markdown, in frames of their own). */
async function visibleText(page: Page): Promise<string> {
  const texts = await Promise.all(page.frames().map((frame) => frame.evaluate(() => document.body?.innerText ?? '').catch(() => '')));
  return texts.join('\n');
}

/** The visible text once it contains every one of `texts` (the UI decrypts each summary on its own). */
async function showing(page: Page, ...texts: string[]): Promise<string> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 250))) {
    const shown = await visibleText(page);
    if (texts.every((text) => shown.includes(text))) return shown;
  }
  throw new Error(`the UI did not show ${texts.join(', ')} within 30 s:\n${await visibleText(page)}`);
}

it('finds a run by its business search attributes and shows its summary, current details and steps in business words', async () => {
  const deals = dealDesk(engine);
  const d = deals.deal(await deals.product(10), { quantity: 3, unitPrice: 120 });
  expect((await sendEvent(engine.intakeUrl, engine.secret, d.event)).status).toBe(202);
  await deals.atStep(d.workflowId, 'in-delivery');

  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  const query = `BusinessKey = "${d.dealId}" AND WaitingOn = "Logistics"`;
  // Temporal's visibility store catches up a moment after the run: the UI counts what it holds when the page loads.
  await eventually(async () => ((await engine.client.workflow.count(query)).count === 1 ? true : undefined), 'the run in visibility');
  await page.goto(`${uiUrl}/namespaces/${engine.settings.TEMPORAL_NAMESPACE}/workflows?query=${encodeURIComponent(query)}`);
  const list = await showing(page, d.workflowId);
  expect(list).toMatch(/1\s+Running/);
  await page.screenshot({ path: path.join(stateDir(), 'ui-runs-waiting-on-logistics.png') });

  await (await page.waitForSelector(`a[href*="/workflows/${d.workflowId}/"]`))!.click();
  await showing(page, 'Event History');
  // The tab is followed once the page has come alive.
  const userMetadata = await page.waitForSelector('xpath/.//a[contains(., "User Metadata")]');
  for (let tries = 0; tries < 20 && !page.url().endsWith('/user-metadata'); tries += 1) {
    await userMetadata!.click();
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const customer = (d.event.data as { customer: { name: string } }).customer.name;
  const metadata = await showing(
    page,
    `Order ${d.dealId} for ${customer}: €360.00`,
    'Step in-delivery',
    'into the legacy ERP',
    `Create the sales order of deal ${d.dealId}`,
  );
  expect(metadata).toMatch(/Current Details[\s\S]*Step in-delivery · waiting on Logistics/);
  expect(metadata).toMatch(/Key SO-\d+ into the legacy ERP\s+Completed/);
  await page.screenshot({ path: path.join(stateDir(), 'ui-run-summary.png') });
});
