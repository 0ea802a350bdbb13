import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { surveyLinkIn } from '../support/mail-links.ts';
import { lookAt, type PageWatch, signIn as signInAt, useBrowser } from './support/browser.ts';
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

const signIn = (watch: PageWatch, role: 'agent' | 'lead' | 'seller', email: string, next: string) =>
  signInAt(watch, origin(), role, email, next);

const mainText = async (page: Page) => (await page.locator('main').textContent()) ?? '';
const timeline = async (page: Page) => (await page.locator('.timeline').textContent()) ?? '';
const asAgent = () => ({ headers: credential({ token: agent }) });
/**
 * What has keyboard focus, as `tag: text` (`h1: CW-…: Subject`, `button: Filter`, `input#id`), or `body`
 * when nothing has: where focus falls when the element that had it goes away or is disabled.
 */
const focused = (page: Page) =>
  page.evaluate<string>(`(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return 'body';
    const tag = e.tagName.toLowerCase();
    return tag === 'input' || tag === 'textarea' || tag === 'select'
      ? tag + '#' + e.id
      : tag + ': ' + (e.textContent ?? '').trim();
  })()`);
/** A polite announcement, in the page's live regions (`role="status"`). */
const announced = (page: Page, text: string | RegExp) => page.getByRole('status').filter({ hasText: text });
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

  it('keeps keyboard focus through every action, and says what each did', async () => {
    const opened = dataOf(
      await api.client.POST('/cases', { body: consumerCase({ subject: 'Keyboard only' }) }),
    );
    const staff = await browser.open(origin(), DESKTOP);
    const { page } = staff;
    await signIn(staff, 'agent', 'alice@support.example', `/case/${opened.number}`);
    // The "Loading…" heading that had focus is replaced: the loaded page's heading takes it.
    await expect.poll(() => focused(page)).toBe(`h1: ${opened.number}: Keyboard only`);
    // A reload too (the page read afresh, focus from the start).
    await page.reload();
    await page.getByRole('heading', { name: `${opened.number}: Keyboard only` }).waitFor();
    await expect.poll(() => focused(page)).toBe(`h1: ${opened.number}: Keyboard only`);

    /** Presses Enter on `button`, as a keyboard user does, and waits for what it says it did. */
    const press = async (name: string | RegExp, said: string | RegExp) => {
      const button = page.getByRole('button', { name, exact: typeof name === 'string' });
      await button.focus();
      await page.keyboard.press('Enter');
      await announced(page, said).waitFor();
    };

    // "Take this case" goes once the case is taken: its section's heading takes focus.
    await press('Take this case', 'You took the case.');
    expect(await focused(page)).toBe('h2: Assignee');
    // So does "Accept …" once the suggestion is accepted.
    await press(/^Accept /, /^Severity set to \d – /);
    expect(await focused(page)).toBe('h2: Severity');

    // Every other action keeps focus on its button, through the busy state and after.
    await page.getByLabel('Level').selectOption('1');
    await page.getByLabel('Why').fill('Affects a whole store');
    await press('Set severity', 'Severity set to 1 – High.');
    expect(await focused(page)).toBe('button: Set severity');
    // Its field is empty again: the button says it cannot act yet, and keeps focus.
    expect(await page.getByRole('button', { name: 'Set severity' }).getAttribute('aria-disabled')).toBe(
      'true',
    );
    await page.keyboard.press('Enter');
    expect(await focused(page)).toBe('button: Set severity');

    await page.getByLabel('Message').fill('We are on it.');
    await press('Send reply to requester', 'Reply sent to the requester.');
    expect(await focused(page)).toBe('button: Send reply to requester');
    await page.getByLabel('Message').fill('Checked the payment logs.');
    await press('Add internal note', 'Internal note added.');
    expect(await focused(page)).toBe('button: Add internal note');

    await press('Change status', /^Status changed to /);
    expect(await focused(page)).toBe('button: Change status');

    const form = page.locator('form.propose');
    await form.getByLabel('Topic').fill('Walk through the refund');
    await form.getByLabel('Conference link (https)').fill('https://meet.example.com/cw-refund');
    await form.getByLabel('Time 1', { exact: true }).fill('2026-12-03T10:00');
    await press('Propose the meeting', 'Meeting proposed: “Walk through the refund”, 1 time offered.');
    expect(await focused(page)).toBe('button: Propose the meeting');

    await expect.poll(() => timeline(page)).toContain('Checked the payment logs.');
    await lookAt(page, 'case-agent-keyboard');
    expect(staff.errors).toEqual([]);
  }, 60_000);

  it('keeps a status note internal unless the agent chooses to send it to the requester', async () => {
    const opened = dataOf(
      await api.client.POST('/cases', { body: consumerCase({ subject: 'Internal reasons' }) }),
    );
    const staff = await browser.open(origin(), DESKTOP);
    const { page } = staff;
    await signIn(staff, 'agent', 'alice@support.example', `/case/${opened.number}`);
    const share = page.getByRole('checkbox', { name: /requester/ });
    expect(await share.isChecked()).toBe(false);
    // Said plainly: ticking it sends the note out.
    expect(await page.locator('label', { has: share }).textContent()).toMatch(
      /^ ?Send the note to the requester/,
    );
    await page.getByLabel('Note (optional)').fill('Waiting on the payment provider; they are slow again.');
    await lookAt(page, 'case-agent-status-note');
    await page.getByRole('button', { name: 'Change status' }).click();
    await announced(page, /^Status changed to /).waitFor();
    const note = page.locator('.event.internal').filter({ hasText: 'they are slow again' });
    await note.waitFor();
    expect(await note.locator('.internal-badge').textContent()).toBe('Internal note');
    // The requester never reads it.
    const seen = dataOf(
      await api.client.GET('/cases/{id}/events', {
        params: { path: { id: opened.id } },
        headers: credential({ caseToken: opened.caseToken }),
      }),
    );
    expect(JSON.stringify(seen)).not.toContain('slow again');

    // Ticked on purpose, the next note goes to the requester; the box is unticked again after.
    await page.getByLabel('Note (optional)').fill('We have asked the bank; an answer is due Friday.');
    await share.check();
    await page.getByRole('button', { name: 'Change status' }).click();
    await expect.poll(() => timeline(page)).toContain('an answer is due Friday');
    expect(await page.locator('.event.internal').filter({ hasText: 'due Friday' }).count()).toBe(0);
    await expect.poll(() => share.isChecked()).toBe(false);
    expect(staff.errors).toEqual([]);
  });

  it('says a late first response or update was late, and by how much; one in time was kept', async () => {
    const opened = dataOf(
      await api.client.POST('/cases', { body: consumerCase({ subject: 'Late answers' }) }),
    );
    const path = { params: { path: { id: opened.id } } };
    // Highest: a first response within 1 hour, then an update every 12 hours.
    dataOf(
      await api.client.PUT('/cases/{id}/severity', {
        ...path,
        ...asAgent(),
        body: { level: 0, reason: 'Every payment fails.' },
      }),
    );
    const reply = async (body: string) =>
      dataOf(await api.client.POST('/cases/{id}/messages', { ...path, ...asAgent(), body: { body } }));
    await api.advance('PT1H30M');
    await reply('Sorry for the wait: we are looking at it.');
    await api.advance('PT12H45M');
    await reply('Still on it, the provider has answered.');
    await reply('Fixed: payments go through again.');

    const staff = await browser.open(origin(), DESKTOP);
    await signIn(staff, 'agent', 'alice@support.example', `/case/${opened.number}`);
    await expect.poll(() => timeline(staff.page)).toContain('Fixed: payments go through again.');
    const said = await timeline(staff.page);
    expect(said).toContain('First response given 30 min after it was due.');
    expect(said).toContain('Next update given 45 min after it was due.');
    expect(said).toContain('The next update promise was kept.');
    expect(said).not.toContain('The first response promise was kept.');
    await lookAt(staff.page, 'case-agent-late-answers');
    expect(staff.errors).toEqual([]);
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

    // Sent: the form and its button go, the thanks take focus.
    const survey = buyer.page.locator('form.survey');
    for (const group of await survey.getByRole('group').all())
      await group.getByRole('radio', { name: /^4/ }).check();
    await survey.getByRole('button', { name: 'Send my answers' }).focus();
    await buyer.page.keyboard.press('Enter');
    await buyer.page.getByText('Thank you: your answers about this case are in.').waitFor();
    await expect.poll(() => focused(buyer.page)).toBe('p: Thank you: your answers about this case are in.');
    expect(buyer.errors).toEqual([]);
  }, 60_000);

  it('asks the survey on a phone: one row of big choices, and says what is missing before sending', async () => {
    const email = 'thumbs@example.org';
    const opened = dataOf(
      await api.client.POST('/cases', { body: consumerCase({ email, subject: 'Rated on a phone' }) }),
    );
    dataOf(
      await api.client.POST('/cases/{id}/status', {
        params: { path: { id: opened.id } },
        ...asAgent(),
        body: { status: 'closed' },
      }),
    );
    let link: ReturnType<typeof surveyLinkIn> = null;
    await expect
      .poll(
        async () => {
          const mail = (await api.mailTo(email)).find((m) => m.subject.includes('How did we do?'));
          link = surveyLinkIn(mail?.body.text);
          return link !== null;
        },
        { timeout: 20_000, interval: 200 },
      )
      .toBe(true);
    const phone = await browser.open(origin(), PHONE);
    const { page } = phone;
    await page.goto((link as unknown as { url: URL }).url.href);
    const heading = `How did we do with ${opened.number}?`;
    await page.getByRole('heading', { name: heading }).waitFor();
    // The heading that had focus while loading ("Survey") is the loaded page's heading, still focused.
    await expect.poll(() => focused(page)).toBe(`h1: ${heading}`);

    // Each question's five choices are one row of labels at least 44 px tall, "5 (excellent)" included.
    for (const group of await page.getByRole('group').all()) {
      const boxes = [];
      for (const n of [1, 2, 3, 4, 5]) {
        const radio = page.getByRole('radio', { name: new RegExp(`^${n}`) });
        const label = group.locator('label').filter({ has: radio });
        boxes.push(await label.boundingBox());
      }
      expect(new Set(boxes.map((b) => Math.round(b?.y ?? -1))).size).toBe(1);
      for (const box of boxes) {
        expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
        expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(PHONE.width);
      }
    }
    expect(await page.getByRole('radio', { name: /^5 \(excellent\)$/ }).count()).toBe(3);

    // Until every question is answered, the button says why it cannot send, next to it.
    const send = page.getByRole('button', { name: 'Send my answers' });
    expect(await send.getAttribute('aria-disabled')).toBe('true');
    const why = async () =>
      (await page.locator(`[id="${await send.getAttribute('aria-describedby')}"]`).textContent()) ?? '';
    expect(await why()).toBe('Pick a rating for each question to send your answers.');
    await page
      .getByRole('group', { name: /quality of support/ })
      .getByText('5', { exact: true })
      .click();
    await page
      .getByRole('group', { name: /timeliness/ })
      .getByText('(poor)')
      .click();
    expect(await why()).toBe('Still to rate before you can send: friendliness and professionalism.');
    await lookAt(page, 'survey-390');
    await page
      .getByRole('group', { name: /friendliness/ })
      .getByText('4', { exact: true })
      .click();
    expect(await send.getAttribute('aria-disabled')).toBeNull();
    expect(await send.getAttribute('aria-describedby')).toBeNull();

    // Sent: the thanks take the focus the gone button had.
    await send.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toBe('p: Thank you, your answers are in.');
    const c = dataOf(
      await api.client.GET('/cases/{id}', { params: { path: { id: opened.id } }, ...asAgent() }),
    );
    expect(c.survey?.ratings).toEqual({ overall: 5, timeliness: 1, friendliness: 4 });

    const desk = await browser.open(origin(), DESKTOP);
    await desk.page.goto((link as unknown as { url: URL }).url.href);
    await desk.page.getByText('Thank you, your answers are in.').waitFor();
    expect(phone.errors).toEqual([]);
  }, 60_000);

  it('a buyer closes their case from the keyboard: focus goes to the question, back, and to the answer', async () => {
    const opened = dataOf(
      await api.client.POST('/cases', { body: consumerCase({ subject: 'Done, thanks' }) }),
    );
    const buyer = await browser.open(origin(), DESKTOP);
    await buyer.page.goto(`${origin()}/case/${opened.number}#token=${opened.caseToken}`);
    const close = buyer.page.getByRole('button', { name: 'Close my case' });
    await close.focus();
    await buyer.page.keyboard.press('Enter');
    await expect.poll(() => focused(buyer.page)).toBe('button: Yes, close my case');
    await buyer.page.keyboard.press('Tab');
    await buyer.page.keyboard.press('Enter');
    await expect.poll(() => focused(buyer.page)).toBe('button: Close my case');
    await buyer.page.keyboard.press('Enter');
    await expect.poll(() => focused(buyer.page)).toBe('button: Yes, close my case');
    await buyer.page.keyboard.press('Enter');
    await expect.poll(() => focused(buyer.page)).toMatch(/^div: Your case is closed\. Thank you!/);
    expect(buyer.errors).toEqual([]);
  });

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
    await expect
      .poll(async () => (await staff.page.locator('.count').textContent()) ?? '')
      .toBe('No cases match these filters.');
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

  it('keeps focus on Filter; an empty result says so and offers to clear the filters', async () => {
    const opened = dataOf(
      await api.client.POST('/cases', { body: consumerCase({ email: 'filtered@example.org' }) }),
    );
    const staff = await browser.open(origin(), DESKTOP);
    const { page } = staff;
    await signIn(staff, 'agent', 'alice@support.example', '/queue?requester=filtered@example.org');
    await page.getByRole('link', { name: opened.number }).waitFor();

    // Filtering from the keyboard: the form is the same form after, and "Filter" keeps focus.
    await page.getByLabel('Requester (email)').fill('nobody-at-all@example.org');
    await page.getByLabel('Severity').selectOption('0');
    const filter = page.getByRole('button', { name: 'Filter', exact: true });
    await filter.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/requester=nobody-at-all/);
    const count = page.locator('.count');
    await expect.poll(async () => (await count.textContent()) ?? '').toBe('No cases match these filters.');
    expect(await focused(page)).toBe('button: Filter');
    expect(await page.getByLabel('Severity').inputValue()).toBe('0');
    // No bare table header: the empty table is hidden, and the way out is offered.
    expect(await page.locator('table.queue').isVisible()).toBe(false);
    expect(await count.getAttribute('role')).toBe('status');
    await lookAt(page, 'queue-empty');
    const phone = await browser.open(origin(), PHONE);
    await signIn(phone, 'agent', 'alice@support.example', '/queue?requester=nobody-at-all@example.org');
    await phone.page.getByRole('button', { name: 'Clear filters' }).waitFor();
    await lookAt(phone.page, 'queue-empty-390');

    // "Clear filters" goes with the empty result: the count takes focus, and says what came.
    await page.getByRole('button', { name: 'Clear filters' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${origin()}/queue`);
    await expect.poll(async () => (await count.textContent()) ?? '').toMatch(/^\d+ cases?/);
    expect(await focused(page)).toMatch(/^p: \d+ cases?/);
    expect(await page.getByLabel('Requester (email)').inputValue()).toBe('');
    expect(await page.getByLabel('Severity').inputValue()).toBe('');
    expect(await page.locator('table.queue').isVisible()).toBe(true);
    expect(staff.errors).toEqual([]);
  });

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
    // A line whose value does not say what it is is captioned (its column's name), as the table's header
    // is not shown.
    expect(
      await row
        .locator('td[data-label="Assignee"]')
        .evaluate((td) => (globalThis as unknown as Styles).getComputedStyle(td, '::before').content),
    ).toBe('"Assignee"');
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

describe('opening a case', () => {
  it('a refused form focuses a summary that links each field; the new case offers its link to copy and open', async () => {
    const buyer = await browser.open(origin(), DESKTOP);
    const { page } = buyer;
    await page.goto(`${origin()}/new`);
    await page.getByRole('heading', { name: 'Open a case' }).waitFor();
    await page.getByLabel('Your email').fill('keeper@example.org');
    const submit = page.getByRole('button', { name: 'Open the case' });
    await submit.focus();
    await page.keyboard.press('Enter');
    // The summary at the top takes focus and names every refused field, each a link to it.
    const summary = page.locator('.error-summary');
    await summary.waitFor();
    await expect.poll(() => focused(page)).toMatch(/^div: Please check these \d+ fields/);
    const links = summary.getByRole('link');
    expect(await links.count()).toBeGreaterThanOrEqual(4);
    expect(await links.first().textContent()).toMatch(/^Subject: /);
    await lookAt(page, 'new-case-error-summary');
    await summary.getByRole('link', { name: /^What happened: / }).click();
    expect(await focused(page)).toBe('textarea#new-description');
    buyer.errors.length = 0;

    await page.getByLabel('Subject').fill('Charged in the wrong currency');
    await page.getByLabel('Order or invoice number').fill('FS-7710');
    await page.getByLabel('Billing descriptor').fill('FSPRG*MAPS');
    await page.getByLabel('What happened').fill('I was charged in USD although the shop showed EUR.');
    await submit.focus();
    await page.keyboard.press('Enter');
    // The form (and its button) are gone: the result's heading has focus.
    const heading = page.getByRole('heading', { name: /^Your case is open: CW-/ });
    await heading.waitFor();
    expect(await focused(page)).toMatch(/^h1: Your case is open: CW-/);
    expect(await mainText(page)).toContain('without an account, it is the only way back to your case');
    expect(await mainText(page)).toContain('We have also mailed it to you at keeper@example.org');
    const link = (await page.locator('.case-link a').getAttribute('href')) ?? '';
    expect(link).toMatch(/\/case\/CW-[0-9A-Z]+#token=/);

    // Copy link: on the clipboard, and the page says so next to the button.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: origin() });
    await page.getByRole('button', { name: 'Copy link' }).click();
    await announced(page, 'Copied: the link is on your clipboard.').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(link);
    await lookAt(page, 'new-case-opened-copied');
    // Where the clipboard is refused, the link is selected for copying by hand.
    await page.evaluate("navigator.clipboard.writeText = () => Promise.reject(new Error('refused'))");
    await page.getByRole('button', { name: 'Copy link' }).click();
    await announced(page, /the link is selected/).waitFor();
    expect(await page.evaluate('getSelection().toString()')).toBe(link);

    const phone = await browser.open(origin(), PHONE);
    await phone.page.goto(`${origin()}/new`);
    await phone.page.getByLabel('Your email').fill('keeper@example.org');
    await phone.page.getByLabel('Subject').fill('Charged twice, seen on a phone');
    await phone.page.getByLabel('Order or invoice number').fill('FS-7711');
    await phone.page.getByLabel('Billing descriptor').fill('FSPRG*MAPS');
    await phone.page.getByLabel('What happened').fill('Two charges.');
    await phone.page.getByRole('button', { name: 'Open the case' }).click();
    await phone.page.getByRole('heading', { name: /^Your case is open: CW-/ }).waitFor();
    await lookAt(phone.page, 'new-case-opened-390');

    // Open my case: the case page, by the same private link.
    await page.getByRole('link', { name: 'Open my case' }).click();
    await page.waitForURL(link);
    await page.getByRole('heading', { name: 'Charged in the wrong currency' }).waitFor();
    await expect.poll(() => focused(page)).toBe('h1: Charged in the wrong currency');
    expect(buyer.errors).toEqual([]);
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
