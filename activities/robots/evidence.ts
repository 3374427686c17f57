import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { Page } from 'puppeteer-core';
import { keepDocument } from '../documents/store';

/** Where a failed robot's screenshot and page are kept, by document key. */
export interface Evidence {
  screenshot: string;
  html: string;
}

/**
 * Keeps what the robot saw when it failed: a full-page screenshot and the page's HTML, in the document store under
 * the run, step and attempt, so an operator can look at the portal as it was.
 */
export async function keepEvidence(pool: Pool, page: Page): Promise<Evidence> {
  const { workflowExecution, activityId, attempt } = Context.current().info;
  const prefix = `evidence/${workflowExecution?.workflowId ?? 'outside-a-run'}/${activityId}/attempt-${attempt}`;
  const evidence = { screenshot: `${prefix}/screenshot.png`, html: `${prefix}/page.html` };
  // A page that never finished loading is stopped, so it can be captured as far as it came.
  const devtools = await page.createCDPSession();
  await devtools.send('Page.stopLoading');
  await devtools.detach();
  const [screenshot, html] = await Promise.all([page.screenshot({ fullPage: true }), page.content()]);
  await keepDocument(pool, {
    documentKey: evidence.screenshot,
    filename: 'screenshot.png',
    contentType: 'image/png',
    content: Buffer.from(screenshot),
  });
  await keepDocument(pool, { documentKey: evidence.html, filename: 'page.html', contentType: 'text/html', content: html });
  return evidence;
}
