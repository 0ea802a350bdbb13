import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../shared/http/api-contract.ts';
import { useBrowser } from './support/browser.ts';
import { type LocalApi, useLocalApi } from './support/local-api.ts';

let api: LocalApi;
useLocalApi((started) => {
  ({ api } = started);
});
const browser = useBrowser();
const SCREENS = new URL('../../test-results/', import.meta.url);

describe('the API reference page in a real browser', () => {
  it('renders every operation from the API itself, its strict policy breaking nothing', async () => {
    const origin = api.runtime.apiUrl;
    const { page, errors, foreign } = await browser.open(origin);
    await page.goto(`${origin}/docs`, { waitUntil: 'networkidle' });
    await expect
      .poll(() => page.getByRole('heading', { name: /casewatch API/ }).count(), { timeout: 20_000 })
      .toBeGreaterThan(0);

    const text = (await page.locator('body').textContent()) ?? '';
    for (const op of Object.values(OPERATIONS)) expect(text, op.operationId).toContain(op.summary);
    // A real answer beside its schema, not a sample made up from the schema.
    expect(text).toContain('Webhooks not delivered since 08:00');

    // Search runs in a worker Redoc makes from a blob: the policy allows exactly that.
    await page.getByPlaceholder('Search...').fill('escalate');
    await expect
      .poll(() => page.locator('[data-role="search:results"]').textContent(), { timeout: 10_000 })
      .toContain(OPERATIONS['POST /cases/{id}/escalations']?.summary);

    mkdirSync(SCREENS, { recursive: true });
    await page.screenshot({ path: new URL('api-docs.png', SCREENS).pathname });

    // Nothing but the renderer's own logo from its CDN is asked for elsewhere, and the policy refuses it;
    // no script error.
    expect(foreign.every((url) => url.startsWith('https://cdn.redoc.ly/'))).toBe(true);
    const unexpected = errors.filter(
      (error) =>
        !/Loading the image 'https:\/\/cdn\.redoc\.ly\/[^']+' violates .*"img-src 'self' data:"/.test(error),
    );
    expect(unexpected).toEqual([]);
    await page.context().close();
  });
});
