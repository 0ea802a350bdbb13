import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { caseLinkIn, surveyLinkIn } from '../support/mail-links.ts';
import { lookAt, type PageWatch, signIn as signInAt, useBrowser } from './support/browser.ts';
import { consumerCase, credential, dataOf, type LocalApi, useLocalApi } from './support/local-api.ts';
import { seedOpenCases } from './support/seed.ts';

let api: LocalApi;
useLocalApi(
  (started) => {
    ({ api } = started);
  },
  { portal: true },
);
const browser = useBrowser();

const origin = () => api.runtime.apiUrl;
/** Mail goes out from the table's stream, a moment after the write that calls for it. */
const MAIL_WAIT = { timeout: 20_000, interval: 200 };

const signIn = (watch: PageWatch, role: 'agent' | 'lead' | 'seller', email: string, next: string) =>
  signInAt(watch, origin(), role, email, next);

/** The text of the page's main region. */
const mainText = async (page: Page) => (await page.locator('main').textContent()) ?? '';
/** The text of the case's timeline (not what is being typed in its forms). */
const timeline = async (page: Page) => (await page.locator('.timeline').textContent()) ?? '';

describe('the portal, in a real browser', () => {
  it('a buyer opens a case; an agent takes it and replies; the buyer reads the reply and answers', async () => {
    const buyer = await browser.open(origin());
    await buyer.page.goto(`${origin()}/`);
    await lookAt(buyer.page, 'start');
    await buyer.page.getByRole('link', { name: 'Open a case' }).first().click();
    await expect.poll(() => buyer.page.getByRole('heading', { name: 'Open a case' }).count()).toBe(1);

    // Mistakes are shown next to their fields, as the API named them.
    await buyer.page.getByRole('button', { name: 'Open the case' }).click();
    await expect.poll(() => buyer.page.locator('.field.has-error').count()).toBeGreaterThanOrEqual(5);
    expect(await buyer.page.getByLabel('Order or invoice number').getAttribute('aria-invalid')).toBe('true');
    await lookAt(buyer.page, 'new-case-errors');
    // The browser logged the 400 it was given on purpose; anything after it is a fault.
    buyer.errors.length = 0;

    await buyer.page.getByLabel('Your email').fill('pat@example.net');
    await buyer.page.getByLabel('Subject').fill('Charged twice for my subscription');
    await buyer.page.getByLabel('Order or invoice number').fill('FS-4471');
    await buyer.page.getByLabel('Billing descriptor').fill('FSPRG*PIXELTOOLS');
    await buyer.page
      .getByLabel('What happened')
      .fill('My card statement shows the same $19.99 twice this month.');
    await buyer.page.getByRole('button', { name: 'Open the case' }).click();
    await buyer.page.getByRole('heading', { name: /Your case is open: CW-/ }).waitFor();
    const caseLink = (await buyer.page.locator('.case-link a').getAttribute('href')) as string;
    const number = /\/case\/(CW-[0-9A-Z]+)#token=/.exec(caseLink)?.[1] as string;
    expect(number).toBeDefined();
    await lookAt(buyer.page, 'new-case-opened');

    // The buyer's own page, by the private link.
    await buyer.page.goto(caseLink);
    await buyer.page.getByRole('heading', { name: 'Charged twice for my subscription' }).waitFor();
    // Requesters read plain words: how the case came in is staff's business.
    await expect.poll(() => timeline(buyer.page)).toContain('Opened the case.');
    await lookAt(buyer.page, 'case-buyer-new');

    // The agent finds it in the queue, takes it, and replies.
    const agent = await browser.open(origin());
    await signIn(agent, 'agent', 'alice@support.example', '/queue');
    await agent.page.getByRole('link', { name: number }).waitFor();
    await lookAt(agent.page, 'queue');
    await agent.page.getByRole('link', { name: number }).click();
    await agent.page.getByRole('heading', { name: `${number}: Charged twice for my subscription` }).waitFor();
    await agent.page.getByRole('button', { name: 'Take this case' }).click();
    await expect.poll(() => timeline(agent.page)).toContain('Assigned the case to alice@support.example.');
    await agent.page
      .getByLabel('Message')
      .fill('Sorry about that: the duplicate charge is refunded, 3–5 days.');
    await agent.page.getByRole('button', { name: 'Send reply to requester' }).click();
    await expect.poll(() => timeline(agent.page)).toContain('the duplicate charge is refunded');
    await agent.page.getByLabel('Message').fill('Refund issued in the payment console, ref R-8812.');
    await agent.page.getByRole('button', { name: 'Add internal note' }).click();
    await expect.poll(() => agent.page.locator('.event.internal').count()).toBe(1);
    await lookAt(agent.page, 'case-agent');

    // The buyer sees the reply (not the internal note) and answers.
    await buyer.page.reload();
    await expect.poll(() => timeline(buyer.page)).toContain('the duplicate charge is refunded');
    expect(await mainText(buyer.page)).not.toContain('R-8812');
    // The agent is named as support signs mail, never by their internal address.
    expect(await timeline(buyer.page)).toContain('Alice (support)');
    expect(await mainText(buyer.page)).not.toContain('alice@support.example');
    await buyer.page.getByLabel('Your message').fill('Thank you, I see the refund pending.');
    await buyer.page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => timeline(buyer.page)).toContain('I see the refund pending');
    // Sent and emptied, the button says it cannot act yet, and keeps focus.
    expect(await buyer.page.evaluate('document.activeElement?.textContent')).toBe('Send');
    expect(await buyer.page.getByRole('button', { name: 'Send' }).getAttribute('aria-disabled')).toBe('true');
    await lookAt(buyer.page, 'case-buyer-replied');

    // What the portal wrote is labelled as the portal's.
    const agentToken = await api.token('agent', 'alice@support.example');
    const found = dataOf(
      await api.client.GET('/cases/{id}', {
        params: { path: { id: number } },
        headers: credential({ token: agentToken }),
      }),
    );
    const events = dataOf(
      await api.client.GET('/cases/{id}/events', {
        params: { path: { id: found.id } },
        headers: credential({ token: agentToken }),
      }),
    );
    const channels = events.items.flatMap((e) => (e.type === 'message.posted' ? [e.channel] : []));
    expect(channels).toEqual(['portal', 'portal', 'portal']);
    expect(events.items[0]).toMatchObject({ type: 'case.opened', channel: 'portal' });

    expect(buyer.errors).toEqual([]);
    expect(agent.errors).toEqual([]);
    expect([...buyer.foreign, ...agent.foreign]).toEqual([]);
  });

  it('counts down to the deadline on the server clock, and the queue shows at risk and then breached', async () => {
    const opened = dataOf(
      await api.client.POST('/cases', { body: consumerCase({ subject: 'Download link expired' }) }),
    );
    const agent = await browser.open(origin());
    await signIn(agent, 'agent', 'bob@support.example', '/queue');
    const row = agent.page.getByRole('row').filter({ hasText: opened.number });
    await expect.poll(async () => (await row.textContent()) ?? '').toMatch(/in (11 h \d+|12 h 0) min/);
    expect(await row.locator('.sla-at-risk').count()).toBe(0);

    // Three quarters of the 12 hours: at risk (the timer fires when the clock passes it).
    await api.advance('PT9H5M');
    await agent.page.reload();
    await expect.poll(() => row.locator('.sla-at-risk').count()).toBe(1);
    expect(await row.textContent()).toMatch(/in 2 h 5\d min/);
    await lookAt(agent.page, 'queue-at-risk');

    await api.advance('PT3H');
    await agent.page.reload();
    await expect.poll(() => row.locator('.sla-breached').count()).toBe(1);
    expect(await row.textContent()).toMatch(/min overdue/);
    expect(agent.errors).toEqual([]);
  });

  it('says "this case changed" when another agent got there first, and keeps what was typed', async () => {
    const opened = dataOf(
      await api.client.POST('/cases', { body: consumerCase({ subject: 'Refund not received' }) }),
    );
    const first = await browser.open(origin());
    const second = await browser.open(origin());
    await signIn(first, 'agent', 'alice@support.example', `/case/${opened.number}`);
    await signIn(second, 'agent', 'bob@support.example', `/case/${opened.number}`);
    // Bob types first (the page may read the case again as it gets focus), and has read it since…
    await second.page.getByLabel('Message').fill('Looking into it now.');
    await second.page.waitForLoadState('networkidle');
    // …then Alice takes the case, and Bob sends before his page reads it again (it does every 15 s).
    await first.page.getByRole('button', { name: 'Take this case' }).click();
    await expect.poll(() => timeline(first.page)).toContain('Assigned the case to alice@support.example.');
    await second.page.getByRole('button', { name: 'Send reply to requester' }).click();
    await second.page
      .getByRole('alert')
      .filter({ hasText: 'This case changed since you opened it' })
      .waitFor();
    expect(await second.page.getByLabel('Message').inputValue()).toBe('Looking into it now.');
    await lookAt(second.page, 'case-conflict');
    await second.page.getByRole('button', { name: 'Reload the case' }).click();
    await expect.poll(() => timeline(second.page)).toContain('Assigned the case to alice@support.example.');
    // The notice and its button are gone: the page's heading has focus.
    await expect.poll(() => second.page.evaluate('document.activeElement?.tagName')).toBe('H1');
    await second.page.getByRole('button', { name: 'Send reply to requester' }).click();
    await expect.poll(() => timeline(second.page)).toContain('Looking into it now.');
    expect(await second.page.getByLabel('Message').inputValue()).toBe('');
  });

  it('a seller opens a seller case with the impact questions, and sees the suggested severity reasons', async () => {
    const seller = await browser.open(origin());
    await signIn(seller, 'seller', 'dana@acme.example', '/new');
    await seller.page.getByRole('heading', { name: 'Open a seller case' }).waitFor();
    await seller.page.getByLabel('Subject').fill('Webhooks not delivered since 08:00');
    await seller.page.getByLabel('What happened').fill('Order notifications stopped reaching our server.');
    await seller.page.getByRole('checkbox', { name: /Webhooks/ }).check();
    await seller.page.getByRole('checkbox', { name: 'It is happening right now' }).check();
    await seller.page.getByRole('checkbox', { name: 'There is no acceptable workaround' }).check();
    await lookAt(seller.page, 'new-seller-case');
    await seller.page.getByRole('button', { name: 'Open the case' }).click();
    await seller.page.getByRole('heading', { name: 'Webhooks not delivered since 08:00' }).waitFor();
    await lookAt(seller.page, 'case-seller');
    await seller.page.goto(`${origin()}/my-cases`);
    await seller.page.getByRole('link', { name: /^CW-/ }).first().waitFor();
    await lookAt(seller.page, 'my-cases');
    expect(seller.errors).toEqual([]);
  });

  it('a buyer follows the mailed link; the case closes by itself; they answer the survey on the case page', async () => {
    const email = 'quinn@example.org';
    const opened = dataOf(
      await api.client.POST('/cases', { body: consumerCase({ subject: 'License key not arriving', email }) }),
    );
    // The acknowledgment links to the case's page in the portal, the buyer's token in the fragment.
    const mailed = async (subject: string) => {
      let found: string | undefined;
      await expect
        .poll(async () => {
          found = (await api.mailTo(email)).find((m) => m.subject.includes(subject))?.body.text;
          return found !== undefined;
        }, MAIL_WAIT)
        .toBe(true);
      return found;
    };
    const link = caseLinkIn(await mailed('We received your case'));
    expect(link?.number).toBe(opened.number);
    expect(link?.token).toBeTruthy();
    expect(link?.url.origin).toBe(new URL(origin()).origin);
    const buyer = await browser.open(origin());
    await buyer.page.goto(link?.url.href as string);
    await buyer.page.getByRole('heading', { name: 'License key not arriving' }).waitFor();

    // The agent answers and asks to close; nobody writes for five business days: it closes by itself.
    const agentToken = await api.token('agent', 'alice@support.example');
    const asAgent = { headers: credential({ token: agentToken }) };
    const path = { params: { path: { id: opened.id } } };
    dataOf(
      await api.client.PUT('/cases/{id}/assignee', {
        ...path,
        ...asAgent,
        body: { agent: 'alice@support.example' },
      }),
    );
    dataOf(
      await api.client.POST('/cases/{id}/status', {
        ...path,
        ...asAgent,
        body: { status: 'pending_closure', note: 'We resent the key; it should be in your inbox.' },
      }),
    );
    // The mail asking to confirm links the same page.
    expect(caseLinkIn(await mailed('Is your issue resolved?'))?.url.href).toBe(link?.url.href);
    await api.advance('P9D');
    await mailed('How did we do?');
    // The survey mail links the portal's survey page; the case page offers the same survey.
    const surveyLink = surveyLinkIn(await mailed('How did we do?'));
    expect(surveyLink?.url.pathname).toBe('/survey');

    await buyer.page.reload();
    await buyer.page.getByRole('heading', { name: 'How did we do?' }).waitFor();
    expect(await buyer.page.locator('.facts').first().textContent()).toContain('Closed');
    // The agent's status note was internal: the buyer sees the move, neither the note nor an "internal" mark.
    // In the status box's words.
    await expect.poll(() => timeline(buyer.page)).toContain('to Waiting for your confirmation');
    expect(await timeline(buyer.page)).not.toContain('We resent the key');
    expect(await buyer.page.locator('.internal-badge').count()).toBe(0);
    await lookAt(buyer.page, 'case-buyer-survey');
    for (const [question, rating] of [
      ['quality of support', '5'],
      ['timeliness', '4'],
      ['friendliness', '5'],
    ] as const)
      await buyer.page
        .getByRole('group', { name: new RegExp(question) })
        .getByRole('radio', { name: new RegExp(`^${rating}`) })
        .check();
    await buyer.page.getByLabel(/Anything else/).fill('The new key worked at once.');
    await buyer.page.getByRole('button', { name: /Send/ }).first().click();
    await buyer.page.getByText('Thank you: your answers about this case are in.').waitFor();
    // The mailed survey link, opened afterwards, knows it was answered: one answer per case, either way.
    await buyer.page.goto(surveyLink?.url.href as string);
    await buyer.page.getByRole('heading', { name: `How did we do with ${opened.number}?` }).waitFor();
    await buyer.page.getByText('Thank you, your answers are in.').waitFor();
    await lookAt(buyer.page, 'survey-answered');

    // The leads read it, comment included.
    const lead = await browser.open(origin());
    await signIn(lead, 'lead', 'lena@support.example', '/lead');
    await lead.page.getByRole('heading', { name: 'Surveys' }).waitFor();
    await expect.poll(() => mainText(lead.page)).toContain('The new key worked at once.');
    expect(buyer.errors).toEqual([]);
    expect(lead.errors).toEqual([]);
  });

  it("a lead's overview follows the backlog, escalations and agents as cases come and go", async () => {
    const lead = await browser.open(origin());
    await signIn(lead, 'lead', 'lena@support.example', '/lead');
    const backlog = lead.page.getByRole('heading', { name: /^Backlog: \d+ open$/ });
    await backlog.waitFor();
    const openNow = async () => Number(/(\d+) open/.exec((await backlog.textContent()) ?? '')?.[1]);
    const before = await openNow();
    const newRow = lead.page.getByRole('row').filter({ has: lead.page.getByRole('link', { name: 'New' }) });
    const newLow = async () => Number((await newRow.locator('td').nth(3).textContent()) ?? 'NaN');
    const lowBefore = await newLow();

    const opened = dataOf(
      await api.client.POST('/cases', {
        body: consumerCase({
          subject: 'Where can I change my billing address?',
          description: 'Just a question.',
        }),
      }),
    );
    expect(opened.severity.level).toBe(3);
    const requester = { headers: credential({ caseToken: opened.caseToken }) };
    dataOf(
      await api.client.POST('/cases/{id}/escalations', {
        params: { path: { id: opened.id } },
        ...requester,
        body: { reason: 'I need the invoice for an audit tomorrow.' },
      }),
    );
    await lead.page.reload();
    await expect.poll(openNow).toBe(before + 1);
    expect(await newLow()).toBe(lowBefore + 1);
    const escalation = lead.page.getByRole('row').filter({ hasText: opened.number });
    await expect.poll(() => escalation.textContent()).toContain('I need the invoice for an audit tomorrow.');
    await lookAt(lead.page, 'lead-overview');

    // The lead follows the escalation to the case.
    await escalation.getByRole('link', { name: opened.number }).click();
    await lead.page.getByRole('heading', { name: new RegExp(opened.number) }).waitFor();
    expect(lead.errors).toEqual([]);
  });

  it('works at 360 px: a buyer can open a case on a phone', async () => {
    const phone = await browser.open(origin(), { width: 360, height: 740 });
    await phone.page.goto(`${origin()}/new`);
    await phone.page.getByRole('heading', { name: 'Open a case' }).waitFor();
    await lookAt(phone.page, 'new-case-360');
  });
});

describe('the queue at scale', () => {
  it('renders 1,000 cases once they are loaded, and measures how long that takes in the browser', async () => {
    // Seeded through the store (the API would spend minutes on a thousand acknowledgments).
    await seedOpenCases(api, 'seed@example.com', 1_000);

    const agent = await browser.open(origin());
    await signIn(agent, 'agent', 'alice@support.example', '/queue?requester=seed@example.com');
    // "Load 100 more" from the keyboard: focus moves to the first of the rows it brought.
    const rows = agent.page.locator('table.queue tbody tr');
    const more = agent.page.getByRole('button', { name: 'Load 100 more' });
    await more.focus({ timeout: 30_000 });
    await agent.page.keyboard.press('Enter');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(200);
    const hundredFirst = (await rows.nth(100).getByRole('link').textContent()) ?? '';
    await expect.poll(() => agent.page.evaluate('document.activeElement?.textContent')).toBe(hundredFirst);
    await agent.page.getByRole('button', { name: 'Show all' }).click({ timeout: 30_000 });
    await expect
      .poll(() => agent.page.locator('table.queue tbody tr').count(), { timeout: 60_000 })
      .toBe(1_000);
    const renders = await agent.page.evaluate<{ rows: number; ms: number; reactMs: number }[]>(
      `performance.getEntriesByName('queue-render').map((m) => ({ rows: m.detail.rows, ms: m.duration, reactMs: m.detail.reactMs }))`,
    );
    const all = renders.find((r) => r.rows === 1_000);
    expect(all).toBeDefined();
    // Printed, not asserted: timings are the bench's to judge (`npm run bench` compares it with 1 s).
    console.log(
      `queue render of 1,000 cases: ${all?.ms.toFixed(0)} ms to the next frame, ${all?.reactMs.toFixed(0)} ms of it React (target: under 1,000 ms)`,
    );
  }, 180_000);
});
