import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/**
 * Flags for headless Chromium on a server: no sandbox as root, and none of Chromium's background connections,
 * which a closed network refuses.
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-crash-reporter',
];

/** One headless Chromium shared by every browser activity of a worker, launched on first use. */
export class BrowserPool {
  private browser?: Promise<Browser>;

  constructor(private readonly executablePath: string) {}

  async withPage<T>(use: (page: Page) => Promise<T>): Promise<T> {
    const browser = await this.launch();
    const context = await browser.createBrowserContext();
    try {
      return await use(await context.newPage());
    } finally {
      await context.close();
    }
  }

  async close(): Promise<void> {
    const browser = this.browser;
    this.browser = undefined;
    if (browser) await (await browser).close();
  }

  private launch(): Promise<Browser> {
    this.browser ??= puppeteer
      .launch({
        executablePath: this.executablePath,
        headless: true,
        args: CHROMIUM_ARGS,
        // Over a pipe, Chromium exits when its worker does, even one killed outright.
        pipe: true,
        // Puppeteer's own signal handlers would exit the process before officeflow's orderly shutdown.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      })
      .then((browser) => {
        // A crashed browser is launched afresh on the next use.
        browser.once('disconnected', () => (this.browser = undefined));
        return browser;
      })
      .catch((error: unknown) => {
        this.browser = undefined;
        throw new Error(`cannot start Chromium at ${this.executablePath} (set CHROME_PATH): ${String(error)}`);
      });
    return this.browser;
  }
}
