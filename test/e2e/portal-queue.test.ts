import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Case } from '../../shared/domain/case.ts';
import { lookAt, type PageWatch, signIn as signInAt, useBrowser } from './support/browser.ts';
import { consumerCase, credential, dataOf, type LocalApi, useLocalApi } from './support/local-api.ts';
import { seedOpenCases } from './support/seed.ts';

/*
 * The queue as agents work it: pages that stay one list when cases move between reads, a list that says
 * how fresh it is and reads again on demand, refused filters said in words, a countdown at its due
 * instant, and a phone screen that shows several cases at once.
 */

let api: LocalApi;
let agent: string;
useLocalApi(
  (started) => {
    ({ api, agent } = started);
  },
  { portal: true },
);
const browser = useBrowser();

const origin = () => api.runtime.apiUrl;
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };
const asAgent = () => ({ headers: credential({ token: agent }) });

const signIn = (watch: PageWatch, email: string, next: string) =>
  signInAt(watch, origin(), 'agent', email, next);

const rows = (page: Page) => page.locator('table.queue tbody tr');
const countText = async (page: Page) => (await page.locator('.count').textContent()) ?? '';
/** The case numbers of the rows, top to bottom. */
const numbers = (page: Page) =>
  page
    .locator('table.queue tbody tr td.case-number a')
    .evaluateAll((links) => links.map((a) => a.textContent));

describe('the countdown', () => {
  // First in the file: it moves the manual clock, before any other case is there to breach.
  it('says "due now" at the due instant, never "in 0 s" beside a Breached badge', async () => {
    const opened = dataOf(
      await api.client.POST('/cases', {
        body: consumerCase({ email: 'due@example.org', subject: 'Due this very second' }),
      }),
    );
    const dueMs = Date.parse(opened.sla.firstResponse.dueAt) - api.runtime.clock.now().getTime();
    expect(dueMs % 1000).toBe(0);
    await api.advance(`PT${dueMs / 1000}S`);

    const staff = await browser.open(origin(), DESKTOP);
    await signIn(staff, 'alice@support.example', '/queue?requester=due@example.org');
    const row = staff.page.getByRole('row').filter({ hasText: opened.number });
    await row.locator('.sla-breached').waitFor();
    const text = (await row.locator('.deadline').textContent()) ?? '';
    expect(text).toBe('due now');
    expect(await row.textContent()).not.toMatch(/in 0 s/);
    await lookAt(staff.page, 'queue-due-now');
    expect(staff.errors).toEqual([]);
  });
});

describe('pages of the queue', () => {
  it('merges pages by case: a case answered between reads is listed once, where it is now', async () => {
    const requester = 'pages@example.org';
    const cases = await seedOpenCases(api, requester, 150);
    const staff = await browser.open(origin(), DESKTOP);
    const { page } = staff;
    await signIn(staff, 'alice@support.example', `/queue?requester=${requester}`);
    await expect.poll(() => rows(page).count(), { timeout: 30_000 }).toBe(100);
    // The list says how fresh it is, and how it stays so.
    const freshness = page.locator('.queue-freshness');
    // On the server's clock (here the manual one), in the reader's zone.
    const serverTime = new Intl.DateTimeFormat('en-US', { hour: '2-digit', minute: '2-digit' }).format(
      api.runtime.clock.now(),
    );
    expect(await freshness.textContent()).toBe(`As of ${serverTime}, updated every 15 s. Refresh`);

    // Another agent answers the fifth case: its next deadline is days later, past the first page's end.
    const answered = cases[4] as Case;
    expect((await numbers(page))[4]).toBe(answered.number);
    dataOf(
      await api.client.POST('/cases/{id}/messages', {
        params: { path: { id: answered.id } },
        ...asAgent(),
        body: { body: 'We are on it.' },
      }),
    );
    await page.getByRole('button', { name: 'Load 100 more' }).click();
    await expect.poll(() => countText(page), { timeout: 30_000 }).toBe('150 cases');
    const listed = await numbers(page);
    expect(listed).toHaveLength(150);
    expect(new Set(listed).size).toBe(150);
    // The newest copy wins: the answered case is where the later read put it, its deadline the next update.
    expect(listed.indexOf(answered.number)).toBe(149);
    expect(await rows(page).nth(149).textContent()).toContain('next update');
    // Nothing is read again by itself now, and the list says so.
    expect(await freshness.textContent()).toMatch(
      /^As of \d{1,2}:\d{2}( [AP]M)?, not updated by itself while more are loaded\. Refresh$/,
    );
    await lookAt(page, 'queue-loaded-more', { screen: true });

    // A case raised to Highest elsewhere comes first once the agent reads the list again.
    const raised = cases[120] as Case;
    dataOf(
      await api.client.PUT('/cases/{id}/severity', {
        params: { path: { id: raised.id } },
        ...asAgent(),
        body: { level: 0, reason: 'The whole shop is down.' },
      }),
    );
    expect((await numbers(page))[0]).not.toBe(raised.number);
    const refresh = page.getByRole('button', { name: 'Refresh' });
    await refresh.click();
    await expect.poll(async () => (await numbers(page))[0], { timeout: 30_000 }).toBe(raised.number);
    expect(await rows(page).first().textContent()).toContain('Highest');
    expect(new Set(await numbers(page)).size).toBe(150);
    expect(await countText(page)).toBe('150 cases');
    // Refresh keeps focus (the button stays).
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Refresh');
    expect(staff.errors).toEqual([]);
  }, 120_000);
});

describe('filters', () => {
  it('names a refused filter in words and offers to clear it; the form says its own errors', async () => {
    const staff = await browser.open(origin(), DESKTOP);
    const { page } = staff;
    await signIn(staff, 'alice@support.example', '/queue?assignee=bob&severity=7&status=new');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const said = (await alert.textContent()) ?? '';
    expect(said).toContain('Severity');
    expect(said).toContain('“7”');
    expect(said).toContain('Assignee');
    expect(said).toContain('“bob”');
    expect(said).not.toMatch(/Invalid option|expected one of/);
    // The form shows what the address says, marked wrong, not "any".
    expect(await page.getByLabel('Severity').inputValue()).toBe('7');
    expect(await page.getByLabel('Severity').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Assignee (email)').getAttribute('aria-invalid')).toBe('true');
    // No "0 cases" and no bare table header under the notice.
    await expect.poll(() => countText(page)).not.toContain('Loading');
    expect(await countText(page)).not.toMatch(/\d+ cases?/);
    expect(await page.locator('table.queue').isVisible()).toBe(false);
    await lookAt(page, 'queue-bad-filters');

    // Clearing the refused filters keeps the good one.
    await alert.getByRole('button', { name: 'Clear these filters' }).click();
    await page.waitForURL(`${origin()}/queue?status=new`);
    await expect.poll(() => countText(page)).toMatch(/\d+ cases?|No cases match/);
    expect(await page.getByRole('alert').count()).toBe(0);
    // The button went with the notice: the count, which says what came, has focus.
    expect(await page.evaluate('document.activeElement?.className')).toBe('count');

    // A mistyped address is the form's own error, next to its field: nothing is sent.
    const assignee = page.getByLabel('Assignee (email)');
    await assignee.fill('bob');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    const field = page.locator('.field.has-error').filter({ has: assignee });
    await field.waitFor();
    expect(await field.locator('.error').textContent()).toMatch(/email address/);
    expect(await assignee.getAttribute('aria-invalid')).toBe('true');
    expect(page.url()).toBe(`${origin()}/queue?status=new`);
    expect(await page.evaluate('document.activeElement?.id')).toBe(await assignee.getAttribute('id'));
    await lookAt(page, 'queue-filter-typo', { screen: true });

    // The address boxes show a whole address.
    await assignee.fill('nobody@support.example');
    for (const label of ['Assignee (email)', 'Requester (email)']) {
      const box = page.getByLabel(label);
      await box.fill('nobody@support.example');
      const fits = await box.evaluate(
        (input) =>
          (input as unknown as { scrollWidth: number; clientWidth: number }).scrollWidth <=
          (input as unknown as { clientWidth: number }).clientWidth,
      );
      expect(fits, label).toBe(true);
    }
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.waitForURL(/assignee=nobody/);
    expect(await page.locator('.field.has-error').count()).toBe(0);
    expect(await page.getByRole('alert').count()).toBe(0);
    await lookAt(page, 'queue-filters-1366', { screen: true });
    staff.errors.length = 0;
  });
});

describe('one seller’s cases', () => {
  it('an agent filters the queue by seller id and sees that seller’s cases only', async () => {
    const opened: Record<string, string[]> = { 'acme-q': [], 'globex-q': [] };
    for (const [seller, subjects] of [
      ['acme-q', ['Payouts late', 'Webhook retries']],
      ['globex-q', ['Tax rates wrong']],
    ] as const) {
      const token = await api.token('seller', `ops@${seller}.example`, seller);
      for (const subject of subjects) {
        const c = dataOf(
          await api.client.POST('/cases', {
            headers: credential({ token }),
            body: { type: 'seller', subject, description: 'Since this morning.' },
          }),
        );
        opened[seller]?.push(c.number);
      }
    }
    const staff = await browser.open(origin(), DESKTOP);
    const { page } = staff;
    await signIn(staff, 'alice@support.example', '/queue');
    await page.getByLabel('Seller (id)').fill('acme-q');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.waitForURL(/sellerId=acme-q/);
    await expect.poll(() => countText(page)).toMatch(/2 cases/);
    expect(new Set(await numbers(page))).toEqual(new Set(opened['acme-q']));
    await lookAt(page, 'queue-one-seller', { screen: true });
  });
});

describe('the queue on a phone', () => {
  it('folds the filters away with a summary, and shows several compact cards per screen', async () => {
    const requester = 'phone-queue@example.org';
    const opened = [];
    for (const subject of [
      'Charged twice for my subscription this month',
      'Download link expired',
      'Refund not received after three weeks of waiting',
      'Wrong currency',
      'Licence key missing',
    ])
      opened.push(
        dataOf(await api.client.POST('/cases', { body: consumerCase({ email: requester, subject }) })),
      );
    for (const c of opened)
      dataOf(
        await api.client.PUT('/cases/{id}/assignee', {
          params: { path: { id: c.id } },
          ...asAgent(),
          body: { assignee: 'alice@support.example' },
        }),
      );

    const phone = await browser.open(origin(), PHONE);
    const { page } = phone;
    await signIn(phone, 'alice@support.example', `/queue?requester=${requester}&status=open`);
    await expect.poll(() => rows(page).count(), { timeout: 20_000 }).toBe(5);

    // Folded: a summary of what is filtered, and one button to open the form.
    const toggle = page.getByRole('button', { name: /^Filters/ });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator('form.filters').isVisible()).toBe(false);
    const summary = (await page.locator('.filter-summary').textContent()) ?? '';
    expect(summary).toContain(`Requester: ${requester}`);
    expect(summary).toContain('Status: open');

    await lookAt(page, 'queue-cards-390', { screen: true });

    // Several cases on the first screen.
    const fullyShown = await rows(page).evaluateAll(
      (trs, height) =>
        trs.filter((tr) => {
          const r = (
            tr as unknown as { getBoundingClientRect: () => { top: number; bottom: number } }
          ).getBoundingClientRect();
          return r.top >= 0 && r.bottom <= (height as number);
        }).length,
      PHONE.height,
    );
    expect(fullyShown).toBeGreaterThanOrEqual(4);
    // An address is never broken inside a word: one line, cut short with an ellipsis if need be.
    const assignee = rows(page).first().locator('td[data-label="Assignee"] .email');
    expect(await assignee.textContent()).toBe('alice@support.example');
    const lines = await assignee.evaluate((span) => {
      const range = span.ownerDocument.createRange();
      range.selectNodeContents(span);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    });
    expect(lines).toBe(1);

    // Opened, the form is there, and folds away again.
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await page.locator('form.filters').waitFor();
    expect(await page.getByLabel('Requester (email)').inputValue()).toBe(requester);
    await lookAt(page, 'queue-filters-open-390', { screen: true });
    await toggle.click();
    expect(await page.locator('form.filters').isVisible()).toBe(false);

    // On a desk the form is always there, with no button to fold it.
    const desk = await browser.open(origin(), DESKTOP);
    await signIn(desk, 'alice@support.example', `/queue?requester=${requester}&status=open`);
    await expect.poll(() => rows(desk.page).count()).toBe(5);
    expect(await desk.page.locator('form.filters').isVisible()).toBe(true);
    expect(await desk.page.getByRole('button', { name: /^Filters/ }).isVisible()).toBe(false);
    await lookAt(desk.page, 'queue-1366', { screen: true });
    expect(phone.errors).toEqual([]);
  }, 90_000);
});
