import { BrowserPool } from '../../infra/browser';
import { testConfig } from '../support/engine';

const pool = (size: number, recycleAfter: number) => new BrowserPool({ executablePath: testConfig().CHROME_PATH, size, recycleAfter });
const chromiumPid = (pool: BrowserPool) => pool.withPage(async (page) => page.browser().process()!.pid!);

it('opens no more pages at once than its size; the rest wait their turn', async () => {
  const browser = pool(2, 100);
  let open = 0;
  let most = 0;
  try {
    await Promise.all(
      Array.from({ length: 6 }, () =>
        browser.withPage(async (page) => {
          most = Math.max(most, ++open);
          await page.setContent('<p>busy</p>');
          await new Promise((resolve) => setTimeout(resolve, 200));
          open--;
        }),
      ),
    );
  } finally {
    await browser.close();
  }
  expect(most).toBe(2);
});

it("keeps a session's page (a portal stays signed in) and shows it to no other session; a failed task's page is not kept", async () => {
  const browser = pool(1, 100);
  const cookies = (session: string) => browser.withPage((page) => page.cookies('http://portal.test/'), session);
  try {
    await browser.withPage(async (page) => {
      await page.setCookie({ name: 'session', value: 'one', domain: 'portal.test', path: '/' });
    }, 'erp');
    expect(await cookies('erp')).toHaveLength(1);
    expect(await cookies('printing')).toEqual([]);
    expect(await cookies('erp')).toHaveLength(1);
    // A pool of one page keeps two open: each new session closes the longest idle page, the portal's session with it.
    await cookies('payroll');
    await cookies('hr');
    expect(await cookies('erp')).toEqual([]);

    await browser
      .withPage(async (page) => {
        await page.setCookie({ name: 'session', value: 'two', domain: 'portal.test', path: '/' });
        throw new Error('the portal answered 502');
      }, 'erp')
      .catch(() => undefined);
    expect(await cookies('erp')).toEqual([]);
  } finally {
    await browser.close();
  }
});

it('replaces Chromium after so many tasks, and starts a new one after a crash', async () => {
  const browser = pool(1, 2);
  try {
    const first = await chromiumPid(browser);
    expect(await chromiumPid(browser)).toBe(first);
    const replaced = await chromiumPid(browser);
    expect(replaced).not.toBe(first);

    process.kill(replaced, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const relaunched = await chromiumPid(browser);
    expect(relaunched).not.toBe(replaced);
  } finally {
    await browser.close();
  }
});
