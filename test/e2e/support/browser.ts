import { existsSync, mkdirSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';

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
export function useBrowser(): {
  open: (origin: string, viewport?: { width: number; height: number }) => Promise<PageWatch>;
} {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  }, 60_000);
  return {
    async open(origin: string, viewport = { width: 1400, height: 900 }) {
      const context = await browser.newContext({ viewport });
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

/** Where browser tests leave their screenshots for a person to look at (git-ignored). */
export const SCREENSHOTS = new URL('../../../test-results/portal/', import.meta.url).pathname;

/**
 * A page as a person meets it: its screenshot in `test-results/portal/<name>.png`, no serious or critical
 * accessibility violation (axe-core, WCAG 2.1 AA rules), and nothing wider than the window. `screen`:
 * also what the window shows, as `<name>-screen.png` (a long list is judged by its first screen too).
 */
export async function lookAt(page: Page, name: string, options: { screen?: boolean } = {}): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
  if (options.screen) await page.screenshot({ path: `${SCREENSHOTS}${name}-screen.png` });
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(serious, `accessibility of ${name}`).toEqual([]);
  // Runs in the page, where `document` and `window` exist (this file is type-checked without the DOM).
  const overflow = await page.evaluate<number>(
    '(() => document.documentElement.scrollWidth - window.innerWidth)()',
  );
  expect(overflow, `${name} is wider than the window`).toBeLessThanOrEqual(0);
}

const ROLE_CHOICE = { agent: 'Support agent', lead: 'Support lead', seller: 'Seller' } as const;

/** Signs in on the local sign-in page as `role` with `email`, and waits to land on `next` at `origin`. */
export async function signIn(
  watch: PageWatch,
  origin: string,
  role: keyof typeof ROLE_CHOICE,
  email: string,
  next: string,
): Promise<void> {
  const { page } = watch;
  await page.goto(`${origin}/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByRole('radio', { name: ROLE_CHOICE[role] }).check();
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${origin}${next}`);
}
