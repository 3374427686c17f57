import os from 'node:os';
import Bottleneck from 'bottleneck';
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

export interface BrowserPoolOptions {
  executablePath: string;
  /** Pages open at once; more tasks wait for a free page. */
  size: number;
  /** Tasks one Chromium serves before it is replaced, so a slow leak in a long-lived browser never builds up. */
  recycleAfter: number;
}

/**
 * One page per CPU (at least two): rendering, not waiting, is what a robot's page costs (measured here, more pages
 * than CPUs moved no more pages per second).
 */
export const defaultPoolSize = () => Math.max(2, os.availableParallelism());

/** One Chromium with the tasks it has served and the pages open in it now. */
interface Generation {
  browser: Promise<Browser>;
  served: number;
  open: number;
}

/**
 * A bounded pool of Chromium pages shared by a worker's robots and document printing. Each task gets a fresh browser
 * context (no cookies or storage from the last task) in at most `size` pages at once; Chromium is launched on first
 * use, launched afresh after a crash, and replaced after `recycleAfter` tasks once its last page has closed.
 */
export class BrowserPool {
  readonly size: number;
  private readonly slots: Bottleneck;
  private current?: Generation;

  constructor(private readonly options: BrowserPoolOptions) {
    this.size = options.size;
    this.slots = new Bottleneck({ maxConcurrent: options.size });
  }

  /** Runs `use` on a fresh page once one of the pool's pages is free. */
  withPage<T>(use: (page: Page) => Promise<T>): Promise<T> {
    return this.slots.schedule(async () => {
      const generation = this.generation();
      generation.served++;
      generation.open++;
      try {
        const context = await (await generation.browser).createBrowserContext();
        try {
          return await use(await context.newPage());
        } finally {
          await context.close().catch(() => undefined);
        }
      } finally {
        generation.open--;
        this.retireIfDone(generation);
      }
    });
  }

  /** Pages in use and tasks waiting for one. */
  load(): { open: number; waiting: number } {
    const counts = this.slots.counts();
    return { open: counts.EXECUTING, waiting: counts.QUEUED };
  }

  async close(): Promise<void> {
    const generation = this.current;
    this.current = undefined;
    if (generation) await (await generation.browser.catch(() => undefined))?.close();
  }

  private generation(): Generation {
    if (this.current && this.current.served >= this.options.recycleAfter) {
      const retiring = this.current;
      this.current = undefined;
      this.retireIfDone(retiring);
    }
    this.current ??= this.launch();
    return this.current;
  }

  /** Closes a replaced Chromium once its last page is done. */
  private retireIfDone(generation: Generation): void {
    if (generation !== this.current && generation.open === 0) {
      void generation.browser.then((browser) => browser.close()).catch(() => undefined);
    }
  }

  private launch(): Generation {
    const generation: Generation = { served: 0, open: 0, browser: undefined as unknown as Promise<Browser> };
    const forget = () => {
      if (this.current === generation) this.current = undefined;
    };
    generation.browser = puppeteer
      .launch({
        executablePath: this.options.executablePath,
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
        // A crashed browser is launched afresh for the next task.
        browser.once('disconnected', forget);
        return browser;
      })
      .catch((error: unknown) => {
        forget();
        throw new Error(`cannot start Chromium at ${this.options.executablePath} (set CHROME_PATH): ${String(error)}`);
      });
    return generation;
  }
}

/** The worker's pool, as configured. */
export const browserPool = (config: { CHROME_PATH: string; BROWSER_PAGES: number; BROWSER_RECYCLE_AFTER: number }) =>
  new BrowserPool({ executablePath: config.CHROME_PATH, size: config.BROWSER_PAGES, recycleAfter: config.BROWSER_RECYCLE_AFTER });
