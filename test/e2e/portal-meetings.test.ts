import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { meetingLinksIn } from '../support/mail-links.ts';
import { lookAt, type PageWatch, signIn as signInAt, useBrowser } from './support/browser.ts';
import { consumerCase, credential, dataOf, type LocalApi, useLocalApi } from './support/local-api.ts';

/*
 * Meetings in the portal, in a real browser: the page the proposal mail links (picking only on the
 * button), the requester's case page, and staff's proposal form. The manual clock starts on Monday
 * 2026-11-30 at 09:00 in Los Angeles (17:00 UTC); the browser runs in UTC (the test run's TZ).
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
/** Mail goes out from the table's stream, a moment after the write that calls for it. */
const MAIL_WAIT = { timeout: 20_000, interval: 200 };

/** Tuesday 10:00 and Wednesday 14:00 in Los Angeles: inside support hours. */
const TUESDAY_10 = '2026-12-01T18:00:00.000Z';
const WEDNESDAY_14 = '2026-12-02T22:00:00.000Z';

const signIn = (watch: PageWatch, email: string, next: string) =>
  signInAt(watch, origin(), 'agent', email, next);

const mainText = async (page: Page) => (await page.locator('main').textContent()) ?? '';
const timeline = async (page: Page) => (await page.locator('.timeline').textContent()) ?? '';

/** Every WCAG A/AA violation axe finds, whatever its impact (`lookAt` fails on serious ones only). */
async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations.map((v) => `${v.id} (${v.impact}): ${v.help}`);
}

/** A consumer case with a proposal on it (Tuesday 10:00 for 30 minutes, Wednesday 14:00 for 45). */
async function caseWithProposal(email: string, subject: string) {
  const opened = dataOf(await api.client.POST('/cases', { body: consumerCase({ email, subject }) }));
  const proposed = dataOf(
    await api.client.POST('/cases/{id}/meetings', {
      params: { path: { id: opened.id } },
      headers: credential({ token: agent }),
      body: {
        topic: 'Walk through the refund together',
        join: { url: 'https://meet.example.com/cw-refund', dialIn: '+1 555 0100, PIN 4471#' },
        slots: [
          { start: TUESDAY_10, durationMinutes: 30 },
          { start: WEDNESDAY_14, durationMinutes: 45 },
        ],
      },
    }),
  );
  return { opened, meeting: proposed.meeting };
}

async function meetingOf(caseId: string, meetingId: string) {
  const c = dataOf(
    await api.client.GET('/cases/{id}', {
      params: { path: { id: caseId } },
      headers: credential({ token: agent }),
    }),
  );
  return c.meetings.find((m) => m.id === meetingId);
}

describe('meetings in the portal', () => {
  it('the mailed link preselects its time and books it only when the buyer confirms', async () => {
    const email = 'riley@example.org';
    const { opened, meeting } = await caseWithProposal(email, 'Refund for a double charge');

    let text: string | undefined;
    await expect
      .poll(async () => {
        text = (await api.mailTo(email)).find((m) => m.subject.includes('Pick a time to talk'))?.body.text;
        return text !== undefined;
      }, MAIL_WAIT)
      .toBe(true);
    const links = meetingLinksIn(text);
    expect(links.map((l) => l.slot)).toEqual([TUESDAY_10, WEDNESDAY_14]);
    const [tuesday, wednesday] = links as [(typeof links)[0], (typeof links)[0]];
    expect(wednesday.url.origin).toBe(new URL(origin()).origin);
    expect(wednesday.url.pathname).toBe('/meeting');

    // The buyer clicked Wednesday in the mail: it is the one chosen, and nothing is booked yet.
    const buyer = await browser.open(origin());
    await buyer.page.goto(wednesday.url.href);
    await buyer.page.getByRole('heading', { name: 'Walk through the refund together' }).waitFor();
    const checked = buyer.page.getByRole('radio', { checked: true });
    expect(await checked.count()).toBe(1);
    expect(await checked.getAttribute('value')).toBe(WEDNESDAY_14);
    const choice = buyer.page.locator('.slot-choice').filter({ has: checked });
    // In the buyer's zone (UTC) and support's, in words.
    expect(await choice.textContent()).toMatch(/Wednesday, December 2, 10:00\s*–\s*10:45\sPM your time/);
    expect(await choice.textContent()).toMatch(/2:00\s*–\s*2:45\sPM Pacific Time, support's time/);
    expect(await choice.textContent()).toContain('45 minutes');
    expect(await mainText(buyer.page)).toContain(`your case ${opened.number}`);
    // The agent as support signs mail, never their address.
    expect(await mainText(buyer.page)).toContain('proposed by Alice from our support team');
    expect(await mainText(buyer.page)).not.toContain('alice@support.example');
    expect(await mainText(buyer.page)).toContain('You will join by video link or by phone');
    expect((await meetingOf(opened.id, meeting.id))?.status).toBe('proposed');
    await buyer.page.screenshot({ path: '/tmp/portal-meeting-before.png', fullPage: true });
    await lookAt(buyer.page, 'meeting-link');
    expect(await axeViolations(buyer.page)).toEqual([]);
    expect((await meetingOf(opened.id, meeting.id))?.status).toBe('proposed');

    // Another tab (a phone), opened on the other time before the booking: its confirm will be refused.
    const other = await browser.open(origin(), { width: 360, height: 740 });
    await other.page.goto(tuesday.url.href);
    await other.page.getByRole('button', { name: 'Confirm this time' }).waitFor();
    expect(await other.page.getByRole('radio', { checked: true }).getAttribute('value')).toBe(TUESDAY_10);
    await other.page.screenshot({ path: '/tmp/portal-meeting-phone.png', fullPage: true });
    await lookAt(other.page, 'meeting-link-360');

    await buyer.page.getByRole('button', { name: 'Confirm this time' }).click();
    const booked = buyer.page.getByRole('heading', { name: /^You're booked for Wednesday, December 2/ });
    await booked.waitFor();
    expect(await buyer.page.evaluate('document.activeElement?.tagName')).toBe('H2');
    expect(await mainText(buyer.page)).toContain('A calendar invitation is on its way to your inbox.');
    expect(await mainText(buyer.page)).toMatch(
      /for our support team that is 2:00\s*–\s*2:45\sPM Pacific Time/,
    );
    expect(await buyer.page.getByRole('link', { name: 'https://meet.example.com/cw-refund' }).count()).toBe(
      1,
    );
    expect(await mainText(buyer.page)).toContain('+1 555 0100, PIN 4471#');
    const scheduled = await meetingOf(opened.id, meeting.id);
    expect(scheduled).toMatchObject({
      status: 'scheduled',
      scheduled: { start: WEDNESDAY_14, durationMinutes: 45 },
    });
    await buyer.page.screenshot({ path: '/tmp/portal-meeting-after.png', fullPage: true });
    await lookAt(buyer.page, 'meeting-booked');
    expect(await axeViolations(buyer.page)).toEqual([]);

    // The invitation follows by mail.
    await expect
      .poll(async () => (await api.mailTo(email)).some((m) => m.subject.includes(meeting.topic)), MAIL_WAIT)
      .toBe(true);

    // The link opened again says it is booked: nothing to pick, nothing changed.
    const again = await browser.open(origin());
    await again.page.goto(wednesday.url.href);
    await again.page
      .getByRole('heading', { name: /^This meeting is booked for Wednesday, December 2/ })
      .waitFor();
    expect(await again.page.getByRole('button', { name: 'Confirm this time' }).count()).toBe(0);
    expect((await meetingOf(opened.id, meeting.id))?.sequence).toBe(0);

    // The other tab confirms Tuesday: refused (409), said as the API says it, and the page catches up.
    await other.page.getByRole('button', { name: 'Confirm this time' }).click();
    await other.page.getByRole('alert').filter({ hasText: 'a slot is already picked' }).waitFor();
    await other.page.getByRole('heading', { name: /^This meeting is booked for Wednesday/ }).waitFor();
    expect(await mainText(other.page)).toContain('the one in your link is no longer open');
    await other.page.screenshot({ path: '/tmp/portal-meeting-conflict.png', fullPage: true });
    await lookAt(other.page, 'meeting-conflict');
    // The browser logged the 409 it was given on purpose.
    other.errors.length = 0;

    expect(await meetingOf(opened.id, meeting.id)).toMatchObject({ scheduled: { start: WEDNESDAY_14 } });
    expect([...buyer.errors, ...again.errors]).toEqual([]);
    expect([...buyer.foreign, ...again.foreign, ...other.foreign]).toEqual([]);
  }, 90_000);

  it('a link casewatch never sent says so', async () => {
    const visitor = await browser.open(origin());
    await visitor.page.goto(`${origin()}/meeting#token=not-a-real-token&slot=${TUESDAY_10}`);
    await visitor.page.getByText('This link is not valid or has expired.').waitFor();
    await lookAt(visitor.page, 'meeting-invalid');
    visitor.errors.length = 0;
  });

  it('the buyer picks, moves and cancels on their case page', async () => {
    const { opened, meeting } = await caseWithProposal('sam@example.org', 'Subscription renewed twice');
    const buyer = await browser.open(origin());
    await buyer.page.goto(`${origin()}/case/${opened.number}#token=${opened.caseToken}`);
    const meetings = buyer.page.locator('section').filter({
      has: buyer.page.getByRole('heading', { name: 'Meetings' }),
    });
    await meetings.getByRole('heading', { name: 'Walk through the refund together' }).waitFor();
    await lookAt(buyer.page, 'case-buyer-meeting-proposed');

    // Times name the reader's zone, as the timeline does.
    expect(await meetings.textContent()).toMatch(
      /Tuesday, December 1, 6:00\s*–\s*6:30\sPM your time \(UTC\)/,
    );
    // A tap chooses a time; only "Confirm this time" books it.
    await meetings.getByRole('radio', { name: /Tuesday, December 1/ }).check();
    await lookAt(buyer.page, 'case-buyer-meeting-chosen');
    expect((await meetingOf(opened.id, meeting.id))?.status).toBe('proposed');
    await meetings.getByRole('button', { name: 'Confirm this time' }).click();
    await meetings
      .getByRole('status')
      .filter({ hasText: 'Booked “Walk through the refund together”' })
      .waitFor();
    // The button that booked is gone with the proposal: the result has focus, not the page's body.
    await expect
      .poll(() => buyer.page.evaluate('document.activeElement?.textContent ?? ""'))
      .toMatch(/^Booked “Walk through the refund together”/);
    expect((await meetingOf(opened.id, meeting.id))?.status).toBe('scheduled');
    expect(await meetings.textContent()).toMatch(/When\s*Tuesday, December 1, 6:00\s*–\s*6:30\sPM/);
    await expect
      .poll(() => timeline(buyer.page))
      .toContain('Booked the meeting “Walk through the refund together”');

    // A Saturday is refused, and the form says why, next to the time.
    await meetings.getByRole('button', { name: 'Move' }).click();
    await meetings.getByLabel('New start (Pacific Time)').fill('2026-12-05T10:00');
    await meetings.getByRole('button', { name: 'Move the meeting' }).click();
    await meetings
      .locator('.field.has-error')
      .filter({ hasText: 'falls on a weekend or a holiday' })
      .waitFor();
    await lookAt(buyer.page, 'case-buyer-meeting-move-refused');
    buyer.errors.length = 0;
    await meetings.getByLabel('New start (Pacific Time)').fill('2026-12-04T11:00');
    await meetings.getByLabel('Length').selectOption('60');
    await meetings.getByRole('button', { name: 'Move the meeting' }).click();
    await meetings.getByRole('status').filter({ hasText: 'Moved' }).waitFor();
    expect(await meetings.textContent()).toMatch(/Friday, December 4, 7:00\s*–\s*8:00\sPM/);
    await expect.poll(() => timeline(buyer.page)).toContain('Moved the meeting');

    await meetings.getByRole('button', { name: 'Cancel meeting' }).click();
    await meetings.getByLabel('Why (optional)').fill('Solved it by mail in the end.');
    await meetings.getByRole('button', { name: 'Yes, cancel the meeting' }).click();
    await meetings.getByRole('status').filter({ hasText: 'is cancelled' }).waitFor();
    await expect.poll(() => timeline(buyer.page)).toContain('Solved it by mail in the end.');
    expect(await meetings.locator('.meeting').count()).toBe(0);
    expect(buyer.errors).toEqual([]);
  }, 60_000);

  it('a booking notice goes once the meeting is cancelled by closing the case', async () => {
    const { opened } = await caseWithProposal('kim@example.org', 'Refund for an upgrade');
    const buyer = await browser.open(origin());
    await buyer.page.goto(`${origin()}/case/${opened.number}#token=${opened.caseToken}`);
    const meetings = buyer.page.locator('section').filter({
      has: buyer.page.getByRole('heading', { name: 'Meetings' }),
    });
    await meetings.getByRole('radio', { name: /Wednesday, December 2/ }).check();
    await meetings.getByRole('button', { name: 'Confirm this time' }).click();
    const booked = buyer.page
      .getByRole('status')
      .filter({ hasText: 'Booked “Walk through the refund together”' });
    await booked.waitFor();

    // Support closes the case, which cancels the meeting: the page follows, and the notice goes.
    dataOf(
      await api.client.POST('/cases/{id}/status', {
        params: { path: { id: opened.id } },
        headers: credential({ token: agent }),
        body: { status: 'closed' },
      }),
    );
    await expect.poll(() => booked.count(), { timeout: 25_000, interval: 250 }).toBe(0);
    expect(await mainText(buyer.page)).not.toContain('invitation is on its way');
    expect(buyer.errors).toEqual([]);
  }, 60_000);

  it('an agent proposes from the case page; a Saturday time is refused under its own row', async () => {
    const opened = dataOf(
      await api.client.POST('/cases', { body: consumerCase({ subject: 'Cannot download the installer' }) }),
    );
    const staff = await browser.open(origin());
    await signIn(staff, 'alice@support.example', `/case/${opened.number}`);
    const form = staff.page.locator('form.propose');
    await form.getByLabel('Topic').fill('Install it together');
    // The link and the dial-in are one choice: one of them is needed, and both say so.
    const join = form.getByRole('group', { name: 'How to join: one of these is needed' });
    expect(await join.getByLabel('Dial-in').getAttribute('aria-describedby')).toBeTruthy();
    expect(await join.textContent()).toContain('One of these is needed');
    await form.getByLabel('Conference link (https)').fill('https://meet.example.com/cw-install');
    await form.getByLabel('Time 1', { exact: true }).fill('2026-12-03T10:00');
    await form.getByRole('button', { name: 'Add another time' }).click();
    await form.getByLabel('Time 2', { exact: true }).fill('2026-12-05T10:00');
    await form.getByLabel('Length of time 2').selectOption('60');
    await form.getByRole('button', { name: 'Propose the meeting' }).click();

    const rows = form.locator('.slot-row');
    await rows.nth(1).filter({ hasText: 'falls on a weekend or a holiday' }).waitFor();
    expect(await rows.nth(0).locator('.error').count()).toBe(0);
    expect(await form.getByLabel('Time 2', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await staff.page.screenshot({ path: '/tmp/portal-meeting-propose-refused.png', fullPage: true });
    await lookAt(staff.page, 'case-agent-propose-refused');
    staff.errors.length = 0;

    await form.getByLabel('Time 2', { exact: true }).fill('2026-12-04T10:00');
    await form.getByRole('button', { name: 'Propose the meeting' }).click();
    const meetings = staff.page.locator('section').filter({
      has: staff.page.getByRole('heading', { name: 'Meetings' }),
    });
    await meetings.getByRole('heading', { name: 'Install it together' }).waitFor();
    expect(await meetings.getByRole('radio', { name: /Thursday, December 3/ }).count()).toBe(1);
    expect(await meetings.getByRole('radio', { name: /Friday, December 4/ }).count()).toBe(1);
    await expect.poll(() => timeline(staff.page)).toContain('Proposed a meeting, “Install it together”');
    expect(await form.getByLabel('Topic').inputValue()).toBe('');
    await staff.page.screenshot({ path: '/tmp/portal-meeting-proposed.png', fullPage: true });
    await lookAt(staff.page, 'case-agent-meeting-proposed');

    const c = dataOf(
      await api.client.GET('/cases/{id}', {
        params: { path: { id: opened.id } },
        headers: credential({ token: agent }),
      }),
    );
    expect(c.meetings).toHaveLength(1);
    expect(c.meetings[0]).toMatchObject({
      status: 'proposed',
      topic: 'Install it together',
      join: { url: 'https://meet.example.com/cw-install', dialIn: null },
      slots: [
        { start: '2026-12-03T18:00:00.000Z', durationMinutes: 30 },
        { start: '2026-12-04T18:00:00.000Z', durationMinutes: 60 },
      ],
    });
    expect(staff.errors).toEqual([]);
  }, 60_000);
});
