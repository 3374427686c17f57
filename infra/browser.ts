import Bottleneck from 'bottleneck';
import type { Browser, BrowserContext, Page } from 'puppeteer-core';

/**
 * Flags for headless Chromium on a server: no sandbox as root, none of Chromium's background connections, which a
 * closed network refuses, and no spare renderer process (puppeteer adds these features to its own list of disabled
 * ones). Chromium starts a spare renderer ahead of each navigation for the next one; with a browser context per page,
 * the next navigation is always in another context, so each spare was thrown away and another started (about one
 * renderer process per navigation). The address bar's pop-up pages matter only where `CHROME_PATH` is a full Chromium:
 * two renderer processes (about 0.6 CPU-s) for every browser context, though headless it shows no address bar.
 */
const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-crash-reporter',
  '--disable-features=SpareRendererForSitePerProcess,WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup,PreloadTopChromeWebUI',
];

export interface BrowserPoolOptions {
  executablePath: string;
  /** Pages open at once; more tasks wait for a free page. */
  size: number;
  /** Tasks one Chromium serves before it is replaced, so a slow leak in a long-lived browser never builds up. */
  recycleAfter: number;
}

/** A page kept open between tasks, in a browser context of its own, for one session (a portal's robots, printing). */
interface Slot {
  session: string;
  context: BrowserContext;
  page: Page;
}

/** One Chromium with the tasks it has served, the pages busy in it now, and its idle pages. */
interface Generation {
  browser: Promise<Browser>;
  served: number;
  open: number;
  idle: Slot[];
}

/** Puppeteer's own default, which a task may have changed (a robot waits as long as its portal needs). */
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * A bounded pool of Chromium pages shared by a worker's robots and document printing: at most `size` pages at work at
 * once, each in a browser context of its own and kept open between tasks, because a new context costs Chromium a new renderer
 * process (about 1.3 CPU-seconds here, against 0.2 for a page reused). A page serves one session only — one portal's
 * robots, signed in as that portal's robot user, or printing — so nothing one session stored reaches another; a task
 * that fails gives its page up. Chromium is launched on first use, launched afresh after a crash, and replaced after
 * `recycleAfter` tasks once its last page is done.
 */
export class BrowserPool {
  readonly size: number;
  private readonly slots: Bottleneck;
  private current?: Generation;

  constructor(private readonly options: BrowserPoolOptions) {
    this.size = options.size;
    this.slots = new Bottleneck({ maxConcurrent: options.size });
  }

  /** Runs `use` on a page of `session` once one of the pool's pages is free. */
  withPage<T>(use: (page: Page) => Promise<T>, session = 'default'): Promise<T> {
    return this.slots.schedule(async () => {
      const generation = this.generation();
      generation.served++;
      generation.open++;
      let slot: Slot | undefined;
      let succeeded = false;
      try {
        slot = await this.take(generation, session);
        const result = await use(slot.page);
        succeeded = true;
        return result;
      } finally {
        generation.open--;
        if (slot) await this.giveBack(generation, slot, succeeded);
        this.retireIfDone(generation);
      }
    });
  }

  /** An idle page of this session, or a new one (closing an idle page of another session to make room). */
  private async take(generation: Generation, session: string): Promise<Slot> {
    const kept = generation.idle.findIndex((slot) => slot.session === session);
    if (kept >= 0) return generation.idle.splice(kept, 1)[0];
    // Pages stay open for up to twice as many as work at once, so each usual session keeps its own; beyond that, the
    // longest idle page of another session makes room.
    if (generation.idle.length + generation.open > 2 * this.size)
      await generation.idle
        .shift()
        ?.context.close()
        .catch(() => undefined);
    const context = await (await generation.browser).createBrowserContext();
    return { session, context, page: await context.newPage() };
  }

  /**
   * Keeps a page that served its task well for its session's next task, where it is: that task navigates or sets its
   * content first thing (a blank page in between would cost Chromium a renderer process swap). Closes any other.
   */
  private async giveBack(generation: Generation, slot: Slot, succeeded: boolean): Promise<void> {
    if (succeeded && generation === this.current && !slot.page.isClosed()) {
      slot.page.setDefaultTimeout(DEFAULT_TIMEOUT_MS);
      generation.idle.push(slot);
    } else {
      await slot.context.close().catch(() => undefined);
    }
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
    const generation: Generation = { served: 0, open: 0, idle: [], browser: undefined as unknown as Promise<Browser> };
    const forget = () => {
      if (this.current === generation) this.current = undefined;
    };
    // Puppeteer is loaded with the first browser: what only reads the configuration does not wait for it.
    generation.browser = import('puppeteer-core')
      .then(({ default: puppeteer }) =>
        puppeteer.launch({
          executablePath: this.options.executablePath,
          // The headless shell (Debian's chromium-headless-shell): Chromium without the browser's own windows and tab
          // strip, which puppeteer's guide calls the more performant for automation (pptr.dev/guides/headless-modes).
          // Here it halved the machine's CPU per navigation (0.22 → 0.09 s with a 1.5 s answer) and per printed PDF.
          // A full Chromium in CHROME_PATH works too: `--headless` is its own headless mode.
          headless: 'shell',
          // A copy: puppeteer takes `--disable-features` out of the array it is given, to merge it with its own.
          args: [...CHROMIUM_ARGS],
          // Over a pipe, Chromium exits when its worker does, even one killed outright.
          pipe: true,
          // Puppeteer's own signal handlers would exit the process before officeflow's orderly shutdown.
          handleSIGINT: false,
          handleSIGTERM: false,
          handleSIGHUP: false,
        }),
      )
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
