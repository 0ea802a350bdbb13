import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { lookAt, type PageWatch, useBrowser } from './support/browser.ts';
import {
  consumerCase,
  credential,
  dataOf,
  type LocalApi,
  sellerCase,
  useLocalApi,
} from './support/local-api.ts';

/*
 * The case pages and the queue as people keep them open: the status select, pages that follow what
 * others change, a closed case, the requester's own words, the timeline's words and links, the queue's
 * errors and phone layout, and signing in where one was.
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
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
/** A case page reads the case again every 15 s: a change shows within that and a little. */
const REFRESH_WAIT = { timeout: 25_000, interval: 250 };

async function signIn(watch: PageWatch, role: 'agent' | 'seller', email: string, next: string) {
  const { page } = watch;
  await page.goto(`${origin()}/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByRole('radio', { name: role === 'agent' ? 'Support agent' : 'Seller' }).check();
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${origin()}${next}`);
}

const mainText = async (page: Page) => (await page.locator('main').textContent()) ?? '';
const timeline = async (page: Page) => (await page.locator('.timeline').textContent()) ?? '';
const asAgent = () => ({ headers: credential({ token: agent }) });
/** The page's `getComputedStyle`, typed here (this file is type-checked without the DOM). */
type Styles = { getComputedStyle: (e: unknown, pseudo?: string) => { whiteSpace: string; content: string } };

describe('the staff case page', () => {
  it('sends the status the select shows, after a move too', async () => {
    const opened = dataOf(await api.client.POST('/cases', { body: consumerCase({ subject: 'Two moves' }) }));
    const staff = await browser.open(origin(), DESKTOP);
    await signIn(staff, 'agent', 'alice@support.example', `/case/${opened.number}`);
    const select = staff.page.getByLabel('Move to');
    expect(await select.inputValue()).toBe('working');
    await staff.page.getByRole('button', { name: 'Change status' }).click();
    await expect.poll(() => timeline(staff.page)).toContain('to working');

    // The case is working now: the select offers the next move, and that is what is sent.
    await expect.poll(() => select.inputValue()).toBe('pending_closure');
    expect(await select.locator('option:checked').textContent()).toBe('pending closure');
    await staff.page.getByRole('button', { name: 'Change status' }).click();
    await expect.poll(() => timeline(staff.page)).toContain('from working to pending closure');
    expect(await staff.page.locator('.error-notice').count()).toBe(0);
    expect(staff.errors).toEqual([]);
  });

  it('shows a closed case read-only, saying a new message opens a follow-up', async () => {
    const opened = dataOf(
      await api.client.POST('/cases', { body: consumerCase({ subject: 'Closed for good' }) }),
    );
    const staff = await browser.open(origin(), DESKTOP);
    await signIn(staff, 'agent', 'alice@support.example', `/case/${opened.number}`);
    await staff.page.getByLabel('Move to').selectOption('closed');
    await staff.page.getByLabel('Note (optional)').fill('Refunded; nothing left to do.');
    await staff.page.getByRole('button', { name: 'Change status' }).click();
    await staff.page.getByRole('status').filter({ hasText: 'This case is closed' }).waitFor();
    expect(await mainText(staff.page)).toContain('opens a new case, linked to this one');
    for (const name of [
      'Take this case',
      'Assign',
      'Set severity',
      'Change status',
      'Record workaround',
      'Propose the meeting',
      'Send reply to requester',
      'Add internal note',
    ])
      expect(await staff.page.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    // The close reads once, with its note.
    await expect.poll(() => timeline(staff.page)).toContain('Closed the case.');
    expect(await timeline(staff.page)).not.toContain('to closed');
    expect(await timeline(staff.page)).toContain('Refunded; nothing left to do.');
    await lookAt(staff.page, 'case-agent-closed');
    const phone = await browser.open(origin(), PHONE);
    await signIn(phone, 'agent', 'alice@support.example', `/case/${opened.number}`);
    await phone.page.getByRole('status').filter({ hasText: 'This case is closed' }).waitFor();
    await lookAt(phone.page, 'case-agent-closed-390');
    expect(staff.errors).toEqual([]);
  });

  it("follows a colleague's change without a reload, and the next write is not a false conflict", async () => {
    const opened = dataOf(await api.client.POST('/cases', { body: consumerCase({ subject: 'Refresh me' }) }));
    const staff = await browser.open(origin(), DESKTOP);
    await signIn(staff, 'agent', 'alice@support.example', `/case/${opened.number}`);
    await staff.page.getByLabel('Message').fill('Typed before the colleague moved.');

    const bob = await api.token('agent', 'bob@support.example');
    dataOf(
      await api.client.PUT('/cases/{id}/assignee', {
        params: { path: { id: opened.id } },
        headers: credential({ token: bob }),
        body: { assignee: 'bob@support.example' },
      }),
    );
    await expect
      .poll(() => timeline(staff.page), REFRESH_WAIT)
      .toContain('Assigned the case to bob@support.example.');
    expect(await staff.page.getByLabel('Message').inputValue()).toBe('Typed before the colleague moved.');
    await staff.page.getByRole('button', { name: 'Send reply to requester' }).click();
    await expect.poll(() => timeline(staff.page)).toContain('Typed before the colleague moved.');
    expect(await staff.page.getByRole('alert').filter({ hasText: 'This case changed' }).count()).toBe(0);
    expect(staff.errors).toEqual([]);
  }, 60_000);

  it("writes through a change that was only casewatch's own (a timer), without a conflict", async () => {
    const opened = dataOf(
      await api.client.POST('/cases', { body: consumerCase({ subject: 'Timer in between' }) }),
    );
    const staff = await browser.open(origin(), DESKTOP);
    await signIn(staff, 'agent', 'alice@support.example', `/case/${opened.number}`);
    const before = dataOf(
      await api.client.GET('/cases/{id}', { params: { path: { id: opened.id } }, ...asAgent() }),
    ).version;
    // Three quarters of the first response's 12 hours: casewatch marks it at risk, a new version.
    await api.advance('PT9H5M');
    await expect
      .poll(
        async () =>
          dataOf(await api.client.GET('/cases/{id}', { params: { path: { id: opened.id } }, ...asAgent() }))
            .version,
        { timeout: 10_000, interval: 100 },
      )
      .toBeGreaterThan(before);
    await staff.page.getByLabel('Message').fill('On it.');
    await staff.page.getByRole('button', { name: 'Send reply to requester' }).click();
    await expect.poll(() => timeline(staff.page)).toContain('On it.');
    expect(await staff.page.getByRole('alert').filter({ hasText: 'This case changed' }).count()).toBe(0);
    // The one 412 the browser logged is the write that was sent again on the fresh version.
    expect(staff.errors.filter((e) => !e.includes('412'))).toEqual([]);
  });
});

describe("the requester's case page", () => {
  it('shows what they wrote, statuses in their words, links, and the survey after closing', async () => {
    const opened = dataOf(
      await api.client.POST('/cases', {
        body: consumerCase({
          subject: 'Charged for a cancelled plan',
          description: 'I cancelled in May <b>and</b> was charged in June.',
          orderNumber: 'FS-9981',
          billingDescriptor: 'FSPRG*PLANS',
        }),
      }),
    );
    const path = { params: { path: { id: opened.id } } };
    dataOf(
      await api.client.POST('/cases/{id}/messages', {
        ...path,
        ...asAgent(),
        body: { body: 'See https://help.example.com/refunds?x=1. Then <i>reply</i> here.' },
      }),
    );
    dataOf(
      await api.client.POST('/cases/{id}/status', {
        ...path,
        ...asAgent(),
        body: { status: 'pending_internal' },
      }),
    );

    const buyer = await browser.open(origin(), DESKTOP);
    await buyer.page.goto(`${origin()}/case/${opened.number}#token=${opened.caseToken}`);
    const wrote = buyer.page.locator('section').filter({
      has: buyer.page.getByRole('heading', { name: 'What you told us' }),
    });
    await wrote.waitFor();
    expect(await wrote.textContent()).toContain('I cancelled in May <b>and</b> was charged in June.');
    expect(await wrote.textContent()).toContain('FS-9981');
    expect(await wrote.textContent()).toContain('FSPRG*PLANS');

    await expect.poll(() => timeline(buyer.page)).toContain('Opened the case.');
    expect(await timeline(buyer.page)).not.toContain('by API');
    expect(await timeline(buyer.page)).toContain('to Waiting on our team');
    expect(await timeline(buyer.page)).not.toContain('pending internal');
    const link = buyer.page
      .locator('.timeline')
      .getByRole('link', { name: 'https://help.example.com/refunds?x=1' });
    expect(await link.getAttribute('href')).toBe('https://help.example.com/refunds?x=1');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    // The text around it stays text: nothing in a message is read as HTML.
    expect(await timeline(buyer.page)).toContain('. Then <i>reply</i> here.');
    expect(await buyer.page.locator('.timeline i').count()).toBe(0);
    await lookAt(buyer.page, 'case-buyer-wrote');
    const phone = await browser.open(origin(), PHONE);
    await phone.page.goto(`${origin()}/case/${opened.number}#token=${opened.caseToken}`);
    await phone.page.getByRole('heading', { name: 'What you told us' }).waitFor();
    await lookAt(phone.page, 'case-buyer-wrote-390');

    await buyer.page.getByRole('button', { name: 'Close my case' }).click();
    await buyer.page.getByRole('button', { name: 'Yes, close my case' }).click();
    await buyer.page.getByRole('status').filter({ hasText: 'Your case is closed' }).waitFor();
    // The survey is recorded a moment after the close: the page shows it without a reload.
    await buyer.page.getByRole('heading', { name: 'How did we do?' }).waitFor({ timeout: 20_000 });
    expect((await timeline(buyer.page)).match(/Closed the case/g)).toHaveLength(1);
    expect(await timeline(buyer.page)).not.toContain('to Closed');
    await lookAt(buyer.page, 'case-buyer-closed-survey');
    expect(buyer.errors).toEqual([]);
  }, 60_000);

  it("a seller reads a colleague's doings under the colleague's address, their own as You", async () => {
    const dana = await api.token('seller', 'dana@acme.example', 'acme');
    const opened = dataOf(
      await api.client.POST('/cases', {
        headers: credential({ token: dana }),
        body: sellerCase({ subject: 'Payouts delayed' }),
      }),
    );
    const erin = await api.token('seller', 'Erin@acme.example', 'acme');
    dataOf(
      await api.client.POST('/cases/{id}/messages', {
        params: { path: { id: opened.id } },
        headers: credential({ token: erin }),
        body: { body: 'Adding: payouts for EU only.' },
      }),
    );
    const seller = await browser.open(origin(), DESKTOP);
    await signIn(seller, 'seller', 'erin@acme.example', `/case/${opened.number}`);
    const events = seller.page.locator('.timeline .event');
    await expect.poll(() => events.count()).toBeGreaterThanOrEqual(2);
    expect(await events.first().locator('.event-who').textContent()).toBe('dana@acme.example');
    expect(await events.filter({ hasText: 'payouts for EU only' }).locator('.event-who').textContent()).toBe(
      'You',
    );
    expect(seller.errors).toEqual([]);
  });
});

describe('the queue', () => {
  it('says which filter is wrong, and stops loading', async () => {
    const staff = await browser.open(origin(), DESKTOP);
    await signIn(staff, 'agent', 'alice@support.example', '/queue?status=bogus');
    const alert = staff.page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Status');
    await expect
      .poll(async () => (await staff.page.locator('.count').textContent()) ?? '')
      .not.toContain('Loading');
    staff.errors.length = 0;
  });

  it('comes back to the same filters after signing in', async () => {
    const staff = await browser.open(origin(), DESKTOP);
    await staff.page.goto(`${origin()}/queue?status=new&severity=2`);
    await staff.page.waitForURL(/\/sign-in\?next=/);
    await staff.page.getByRole('radio', { name: 'Support agent' }).check();
    await staff.page.getByRole('button', { name: 'Sign in' }).click();
    await staff.page.waitForURL(`${origin()}/queue?status=new&severity=2`);
    expect(await staff.page.getByLabel('Severity').inputValue()).toBe('2');

    // The header's link keeps the query too.
    const other = await browser.open(origin(), DESKTOP);
    await other.page.goto(`${origin()}/new?from=mail#top`);
    await other.page.getByRole('link', { name: 'Sign in' }).first().click();
    await other.page.waitForURL(/\/sign-in/);
    expect(new URL(other.page.url()).searchParams.get('next')).toBe('/new?from=mail#top');
  });

  it('lists open cases only, unless the status filter asks for closed ones', async () => {
    const email = 'closing@example.org';
    const open = dataOf(
      await api.client.POST('/cases', { body: consumerCase({ email, subject: 'Still open' }) }),
    );
    const done = dataOf(
      await api.client.POST('/cases', { body: consumerCase({ email, subject: 'All done' }) }),
    );
    dataOf(
      await api.client.POST('/cases/{id}/status', {
        params: { path: { id: done.id } },
        ...asAgent(),
        body: { status: 'closed' },
      }),
    );
    const staff = await browser.open(origin(), DESKTOP);
    await signIn(staff, 'agent', 'alice@support.example', `/queue?requester=${email}`);
    await staff.page.getByRole('link', { name: open.number }).waitFor();
    expect(await mainText(staff.page)).not.toContain(done.number);
    expect(await staff.page.locator('.count').textContent()).toBe('1 case');
    await staff.page.goto(`${origin()}/queue?requester=${email}&status=closed`);
    await staff.page.getByRole('link', { name: done.number }).waitFor();
    expect(await mainText(staff.page)).not.toContain(open.number);
  });

  it('reads its first page again, and sends staff from /my-cases to it', async () => {
    const staff = await browser.open(origin(), DESKTOP);
    await signIn(staff, 'agent', 'alice@support.example', '/queue?requester=late@example.org');
    await expect.poll(async () => (await staff.page.locator('.count').textContent()) ?? '').toBe('0 cases');
    const opened = dataOf(
      await api.client.POST('/cases', {
        body: consumerCase({ email: 'late@example.org', subject: 'Came later' }),
      }),
    );
    await staff.page.getByRole('link', { name: opened.number }).waitFor({ timeout: 25_000 });
    expect(new URL(staff.page.url()).searchParams.get('requester')).toBe('late@example.org');

    await staff.page.goto(`${origin()}/my-cases`);
    await staff.page.waitForURL(`${origin()}/queue`);
    await staff.page.getByRole('heading', { name: 'Queue' }).waitFor();
  }, 60_000);

  it('shows each case as a card at 390 px, and keeps case numbers whole', async () => {
    const opened = dataOf(
      await api.client.POST('/cases', {
        body: consumerCase({
          email: 'phone@example.org',
          subject: 'A subject long enough to wrap on a phone screen',
        }),
      }),
    );
    const phone = await browser.open(origin(), PHONE);
    await signIn(phone, 'agent', 'alice@support.example', '/queue?requester=phone@example.org');
    const row = phone.page.getByRole('row').filter({ hasText: opened.number });
    await row.waitFor();
    for (const cell of await row.locator('td').all()) {
      const box = await cell.boundingBox();
      expect(box, (await cell.getAttribute('data-label')) ?? 'a cell').not.toBeNull();
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(PHONE.width);
    }
    // Each line is captioned (its column's name), as the table's header is not shown.
    expect(
      await row
        .locator('td[data-label="Severity"]')
        .evaluate((td) => (globalThis as unknown as Styles).getComputedStyle(td, '::before').content),
    ).toBe('"Severity"');
    const number = row.getByRole('link', { name: opened.number });
    expect(
      await number.evaluate((a) => (globalThis as unknown as Styles).getComputedStyle(a).whiteSpace),
    ).toBe('nowrap');
    await lookAt(phone.page, 'queue-390');

    const desk = await browser.open(origin(), DESKTOP);
    await signIn(desk, 'agent', 'alice@support.example', '/queue?requester=phone@example.org');
    await desk.page.getByRole('columnheader', { name: 'Severity' }).waitFor();
    expect(await desk.page.getByRole('columnheader', { name: 'Severity' }).isVisible()).toBe(true);
    await lookAt(desk.page, 'queue-1440');
  });
});

describe('layout', () => {
  it('lines the home cards up, and keeps an address whole in the case facts', async () => {
    const visitor = await browser.open(origin(), DESKTOP);
    await visitor.page.goto(`${origin()}/`);
    const cards = visitor.page.locator('.cards > .card');
    await cards.first().waitFor();
    const [first, second] = [await cards.nth(0).boundingBox(), await cards.nth(1).boundingBox()];
    expect(second?.y).toBe(first?.y);

    const email = 'maximilian.longname.buyer@examplecompany.org';
    const opened = dataOf(await api.client.POST('/cases', { body: consumerCase({ email }) }));
    const staff = await browser.open(origin(), DESKTOP);
    await signIn(staff, 'agent', 'alice@support.example', `/case/${opened.number}`);
    const requester = staff.page.locator('.facts div').filter({ hasText: 'Requester' }).locator('dd');
    await requester.waitFor();
    expect(await requester.textContent()).toContain(email);
    // The address fits at this width: it is on one line, not broken mid-word.
    const lines = await requester.evaluate((dd) => {
      const range = dd.ownerDocument.createRange();
      range.selectNodeContents(dd.firstChild as NonNullable<typeof dd.firstChild>);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    });
    expect(lines).toBe(1);
    await lookAt(staff.page, 'case-agent-facts');
  });
});
