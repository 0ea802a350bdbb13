import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { lookAt, signIn, useBrowser } from './support/browser.ts';
import { consumerCase, credential, dataOf, type LocalApi, useLocalApi } from './support/local-api.ts';

/*
 * The leads' overview as the backlog goes overdue: work nobody took is counted as well as each agent's,
 * and next updates given in time or late are counted beside the first responses.
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

/** A table row's cells as text, by the text of its header cell. */
const cellsOf = async (page: Page, table: string, row: string) =>
  page
    .locator(`${table} tr`)
    .filter({ has: page.locator('th', { hasText: row }) })
    .locator('td')
    .allTextContents();

/** A compliance card's row for a level, as text: in time, late, compliance. */
const complianceOf = async (page: Page, card: string, level: string) =>
  page
    .locator('section[aria-labelledby="compliance"] .card')
    .filter({ has: page.getByRole('heading', { name: card, exact: true }) })
    .locator('tr')
    .filter({ has: page.locator('th', { hasText: level }) })
    .locator('td')
    .allTextContents();

const say = (id: string, body: string) =>
  api.client.POST('/cases/{id}/messages', { params: { path: { id } }, ...asAgent(), body: { body } });

describe("the lead's overview", () => {
  it('counts unassigned work, open and overdue, and next updates in time and late beside first responses', async () => {
    // Ten cases nobody takes. One is raised to Highest and answered (a next update every 12 hours),
    // one answered at Medium (its next update days away); the other eight never hear back.
    const opened = [];
    for (let i = 0; i < 10; i++)
      opened.push(
        dataOf(await api.client.POST('/cases', { body: consumerCase({ subject: `Backlog case ${i}` }) })),
      );
    const [urgent, answered] = opened as [(typeof opened)[0], (typeof opened)[0]];
    dataOf(
      await api.client.PUT('/cases/{id}/severity', {
        params: { path: { id: urgent.id } },
        ...asAgent(),
        body: { level: 0, reason: 'Checkout is down.' },
      }),
    );
    for (const c of [urgent, answered]) dataOf(await say(c.id, 'We are looking into it.'));
    // 13 hours: eight first responses and the Highest case's next update are overdue.
    await api.advance('PT13H');

    const lead = await browser.open(origin(), DESKTOP);
    await signIn(lead, origin(), 'lead', 'lena@support.example', '/lead');
    await lead.page.getByRole('heading', { name: /^Backlog: 10 open$/ }).waitFor();
    const agents = lead.page.locator('section[aria-labelledby="agents"]');
    await expect
      .poll(() => cellsOf(lead.page, 'section[aria-labelledby="agents"]', 'Unassigned'))
      .toEqual(['10', '9']);
    expect(await agents.textContent()).not.toContain('No agent has an open case');

    // Overdue now, by level: first responses and next updates, and how many of them nobody has.
    const overdue = lead.page.locator('section[aria-labelledby="overdue"]');
    await expect.poll(() => overdue.textContent()).toContain('9 cases overdue now, 9 of them unassigned');
    expect(await cellsOf(lead.page, 'section[aria-labelledby="overdue"]', 'Highest')).toEqual([
      '0',
      '1',
      '1',
    ]);
    expect(await cellsOf(lead.page, 'section[aria-labelledby="overdue"]', 'Medium')).toEqual(['8', '0', '8']);
    // Beside the first-response figures, next updates: the Highest case's window breached at 12 hours.
    const compliance = lead.page.locator('section[aria-labelledby="compliance"]');
    expect(await complianceOf(lead.page, 'First responses, last 24 hours', 'Medium')).toEqual([
      '1',
      '8',
      '11.1%',
    ]);
    for (const card of ['Next updates, last 24 hours', 'Next updates, last 7 days']) {
      expect(await complianceOf(lead.page, card, 'Highest')).toEqual(['0', '1', '0%']);
      expect(await complianceOf(lead.page, card, 'Medium')).toEqual(['0', '0', '—']);
    }
    expect(await compliance.textContent()).not.toContain('not counted');
    await lookAt(lead.page, 'lead-overview-overdue');

    // An agent takes the Highest case: it leaves the unassigned row for theirs.
    dataOf(
      await api.client.PUT('/cases/{id}/assignee', {
        params: { path: { id: urgent.id } },
        ...asAgent(),
        body: { assignee: 'alice@support.example' },
      }),
    );
    await lead.page.reload();
    await expect
      .poll(() => cellsOf(lead.page, 'section[aria-labelledby="agents"]', 'Unassigned'))
      .toEqual(['9', '8']);
    expect(await cellsOf(lead.page, 'section[aria-labelledby="agents"]', 'alice@support.example')).toEqual([
      '1',
      '1',
    ]);

    // The late update counts once, as the breach it was; the next one, an hour on, is in time.
    dataOf(await say(urgent.id, 'Checkout is back for most stores.'));
    await api.advance('PT1H');
    dataOf(await say(urgent.id, 'All stores are taking orders again.'));
    await lead.page.reload();
    await expect
      .poll(() => complianceOf(lead.page, 'Next updates, last 24 hours', 'Highest'))
      .toEqual(['1', '1', '50%']);
    expect(await complianceOf(lead.page, 'Next updates, last 7 days', 'Highest')).toEqual(['1', '1', '50%']);
    expect(await cellsOf(lead.page, 'section[aria-labelledby="agents"]', 'alice@support.example')).toEqual([
      '1',
      '0',
    ]);
    await lookAt(lead.page, 'lead-overview-updates');

    const phone = await browser.open(origin(), PHONE);
    await signIn(phone, origin(), 'lead', 'lena@support.example', '/lead');
    await expect
      .poll(() => cellsOf(phone.page, 'section[aria-labelledby="agents"]', 'Unassigned'))
      .toEqual(['9', '8']);
    await expect
      .poll(() => complianceOf(phone.page, 'Next updates, last 24 hours', 'Highest'))
      .toEqual(['1', '1', '50%']);
    await lookAt(phone.page, 'lead-overview-390');
    expect(lead.errors).toEqual([]);
    expect(phone.errors).toEqual([]);
  }, 90_000);
});
