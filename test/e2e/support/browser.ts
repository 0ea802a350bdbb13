import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

/**
 * A real headless Chromium for the tests that judge a page by what a person sees. Playwright's own
 * browser downloads are not used: the system's Chromium is (`apt-get install chromium`, which `.ci/run`
 * does on a bare machine), or the one `CHROMIUM_PATH` names.
 */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? CANDIDATES.find((candidate) => existsSync(candidate));
  if (!path || !existsSync(path))
    throw new Error(
      'the browser tests need Chromium: install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH',
    );
  return path;
}

export interface PageWatch {
  page: Page;
  /** Console errors and uncaught exceptions, in order. */
  errors: string[];
  /** Every URL the page asked for that is not on `origin`, whether or not the browser let it through. */
  foreign: string[];
}

/** Starts one browser for the file's tests; `open` gives a fresh page that records what went wrong. */
export function useBrowser(): { open: (origin: string) => Promise<PageWatch> } {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  return {
    async open(origin: string) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      const foreign: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(String(error)));
      page.on('request', (request) => {
        const url = request.url();
        if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:'))
          foreign.push(url);
      });
      return { page, errors, foreign };
    },
  };
}
