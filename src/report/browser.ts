/**
 * Headless Chromium for the report: PDF output and the offline rendering test. Uses playwright-core (no browser
 * download) with the system's Chromium (Debian's `chromium`, installed by .ci/run; DISTILLGUARD_CHROMIUM overrides),
 * and aborts every request that is not for a local file, so a report can never reach the network while rendered.
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export function chromiumPath(): string {
  return process.env.DISTILLGUARD_CHROMIUM ?? DEFAULT_CHROMIUM;
}

export class BrowserUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrowserUnavailable';
  }
}

/** Launch headless Chromium, or throw BrowserUnavailable saying what is missing. */
export async function launchChromium(): Promise<Browser> {
  const exe = chromiumPath();
  if (!existsSync(exe)) throw new BrowserUnavailable(`Chromium is not installed at ${exe} (install Debian's chromium, or set DISTILLGUARD_CHROMIUM)`);
  let pw: typeof import('playwright-core');
  try {
    pw = await import('playwright-core');
  } catch {
    throw new BrowserUnavailable('the playwright-core package is not installed (it is a development dependency: run npm ci without --omit=dev)');
  }
  try {
    // --no-sandbox: CI and containers run as root, where Chromium's sandbox cannot start.
    return await pw.chromium.launch({ executablePath: exe, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  } catch (e) {
    throw new BrowserUnavailable(`cannot start Chromium (${exe}): ${(e as Error).message.split('\n')[0]}`);
  }
}

/** A page that can load local files only: every other request is aborted. Returns the list of blocked URLs. */
export async function offlinePage(browser: Browser): Promise<{ page: Page; blocked: string[] }> {
  const context = await browser.newContext({ offline: true, javaScriptEnabled: false });
  const page = await context.newPage();
  const blocked: string[] = [];
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:') || url === 'about:blank') await route.continue();
    else {
      blocked.push(url);
      await route.abort('blockedbyclient');
    }
  });
  return { page, blocked };
}

/** Print an HTML file to PDF (A4, backgrounds kept). */
export async function htmlToPdf(htmlFileUrl: string, pdfPath: string): Promise<void> {
  const browser = await launchChromium();
  try {
    const { page } = await offlinePage(browser);
    await page.goto(htmlFileUrl, { waitUntil: 'load' });
    await page.pdf({ path: pdfPath, format: 'A4', printBackground: true, margin: { top: '14mm', bottom: '14mm', left: '12mm', right: '12mm' } });
  } finally {
    await browser.close();
  }
}
