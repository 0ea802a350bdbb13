import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { signatureProblem } from '../../shared/adapters/webhooks/signing.ts';
import { useWebhookReceiver } from '../support/webhook-receiver.ts';
import { lookAt, type PageWatch, signIn as signInAt, useBrowser } from './support/browser.ts';
import { consumerCase, dataOf, type LocalApi, useLocalApi } from './support/local-api.ts';

/*
 * Webhooks on the leads' overview, in a real browser (docs/integrations.md#webhooks): a refused URL says
 * why under its field; a new webhook's secret is shown once and verifies what a receiver on loopback gets;
 * the delivery log shows each attempt; a receiver that keeps answering 500 gets its webhook paused, which
 * the lead resumes; a webhook is deleted after a confirm step.
 */

let api: LocalApi;
useLocalApi(
  (started) => {
    ({ api } = started);
  },
  { portal: true },
);
const browser = useBrowser();

/** Answers 500 on `/broken…`, 200 elsewhere. */
const receiver = useWebhookReceiver();
const { received } = receiver;

const origin = () => api.runtime.apiUrl;

const signInLead = (watch: PageWatch) => signInAt(watch, origin(), 'lead', 'lena@support.example', '/lead');

/** Every WCAG A/AA violation axe finds, whatever its impact (`lookAt` fails on serious ones only). */
async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

const section = (page: Page) => page.locator('section.webhooks');
/** A webhook's row in the list (its delivery log, once open, is the row after it). */
const rowOf = (page: Page, url: string) => page.locator('tr.webhook').filter({ hasText: url });

/** Fills the "Add a webhook" form (opening it when closed) and submits it. */
async function addWebhook(page: Page, url: string, events: string[]) {
  const form = section(page).locator('details.add-webhook');
  if ((await form.getAttribute('open')) === null) await form.locator('summary').click();
  await form.getByLabel('URL').fill(url);
  for (const e of events) await form.getByRole('checkbox', { name: e, exact: true }).check();
  await form.getByRole('button', { name: 'Add the webhook' }).click();
}

describe('webhooks in the portal', () => {
  it('a lead adds, watches, resumes and deletes webhooks; the secret is shown once', async () => {
    const lead = await browser.open(origin());
    const { page } = lead;
    await signInLead(lead);
    await page.getByRole('heading', { name: 'Webhooks', exact: true }).waitFor();
    await section(page).getByText('No webhook yet.').waitFor();

    // A URL inside the network is refused, and the reason is under the field.
    await addWebhook(page, 'https://10.0.0.1/x', ['case.opened']);
    const urlField = section(page)
      .locator('.field')
      .filter({ has: page.getByLabel('URL') });
    await urlField.locator('.error').filter({ hasText: '10.0.0.1 is a private address' }).waitFor();
    expect(await page.getByLabel('URL').getAttribute('aria-invalid')).toBe('true');
    // The error is described by the field, and announced.
    const described = (await page.getByLabel('URL').getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`[id="${described.split(' ').at(-1)}"]`).textContent()).toContain(
      'private address',
    );
    expect(await section(page).getByRole('alert').textContent()).toContain('The webhook was not added');
    await section(page).screenshot({ path: '/tmp/portal-webhooks-refused.png' });
    await lookAt(page, 'webhooks-refused');
    // The browser logged the 400 it was given on purpose.
    lead.errors.length = 0;

    // One for the receiver, on case.opened: its secret is shown once, focused, with a way to copy it.
    const hookUrl = `${receiver.base}/hook`;
    await addWebhook(page, hookUrl, ['case.opened']);
    const box = page.getByRole('region', { name: /Signing secret for .*: shown only this once/ });
    await box.waitFor();
    const secret = ((await box.locator('code.secret').textContent()) ?? '').trim();
    expect(secret).toMatch(/^whsec_/);
    expect(await page.evaluate('document.activeElement?.className')).toBe('secret-box');
    expect(await box.textContent()).toContain('It will not be shown again.');
    expect(await box.textContent()).toContain('Casewatch-Signature');
    expect(await box.textContent()).toContain('“Integrations: case events and webhooks”');
    // The API reference it links to is served.
    const docsHref = (await box.getByRole('link').getAttribute('href')) ?? '';
    expect((await fetch(new URL(docsHref, origin()))).status).toBe(200);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: origin() });
    await box.getByRole('button', { name: 'Copy' }).click();
    await box.getByRole('status').filter({ hasText: 'Copied to the clipboard.' }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);
    expect(await rowOf(page, hookUrl).textContent()).toContain('Active');
    await section(page).screenshot({ path: '/tmp/portal-webhooks-secret.png' });
    await lookAt(page, 'webhooks-secret');

    // Never again: not after a reload, not in the list the API answers.
    await page.reload();
    await rowOf(page, hookUrl).waitFor();
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toContain(secret);
    expect(text).not.toContain('whsec_');

    // A case is opened: the receiver gets it, signed with that secret.
    const opened = dataOf(
      await api.client.POST('/cases', { body: consumerCase({ email: 'hooked@example.org' }) }),
    );
    await api.sent();
    const delivery = received.find(
      (r) => r.path === '/hook' && (JSON.parse(r.body) as { caseId: string }).caseId === opened.id,
    );
    expect(delivery?.method).toBe('POST');
    expect(delivery?.headers['casewatch-event-type']).toBe('case.opened');
    const signature = String(delivery?.headers['casewatch-signature']);
    // The local clock is manual: the receiver takes the time from the header, as webhooks.test.ts does.
    const t = Number(/t=(\d+)/.exec(signature)?.[1]);
    expect(signatureProblem(secret, signature, delivery?.body ?? '', t)).toBeNull();
    expect(signatureProblem(`${secret}x`, signature, delivery?.body ?? '', t)).not.toBeNull();

    // The delivery log shows attempt 1, answered 200.
    await rowOf(page, hookUrl).getByRole('button', { name: 'Delivery log' }).click();
    expect(
      await rowOf(page, hookUrl).getByRole('button', { name: 'Delivery log' }).getAttribute('aria-expanded'),
    ).toBe('true');
    const hookLog = page.locator('tr.log-row').first();
    const firstAttempt = hookLog.locator('tbody tr').first();
    await firstAttempt.waitFor();
    expect(await firstAttempt.locator('td').allTextContents()).toEqual([
      expect.stringContaining(''),
      'case.opened',
      '1',
      'Delivered 200',
      expect.stringMatching(/^\d+ ms$/),
    ]);
    await section(page).screenshot({ path: '/tmp/portal-webhooks-log.png' });

    // A second webhook, whose receiver answers 500: three attempts (now, +1 min, +5 min), then paused.
    const brokenUrl = `${receiver.base}/broken`;
    await addWebhook(page, brokenUrl, ['case.opened']);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await rowOf(page, brokenUrl).waitFor();
    dataOf(await api.client.POST('/cases', { body: consumerCase({ email: 'broken@example.org' }) }));
    await api.sent();
    await api.advance('PT1M');
    await api.advance('PT5M');
    expect(
      received.filter((r) => r.path === '/broken').map((r) => r.headers['casewatch-delivery-attempt']),
    ).toEqual(['1', '2', '3']);
    await page.reload();
    const broken = rowOf(page, brokenUrl);
    await broken.getByText('Paused', { exact: true }).waitFor();
    expect(await broken.textContent()).toMatch(/since .*3 attempts failed; the last: answered 500/);
    await broken.getByRole('button', { name: 'Delivery log' }).click();
    const brokenLog = page.locator('tr.log-row');
    await brokenLog.locator('tbody tr.failed').nth(2).waitFor();
    expect(await brokenLog.locator('tbody tr.failed td:nth-child(3)').allTextContents()).toEqual([
      '3',
      '2',
      '1',
    ]);
    expect(await brokenLog.locator('tbody tr.failed').first().textContent()).toContain('Failed 500');
    // The section open: the form too. No accessibility violation at all.
    await section(page).locator('details.add-webhook summary').click();
    await section(page).screenshot({ path: '/tmp/portal-webhooks-paused.png' });
    await lookAt(page, 'webhooks-paused');
    expect(await axeViolations(page)).toEqual([]);

    // Resume: active again, said in the live region.
    await broken.getByRole('button', { name: 'Resume' }).click();
    await section(page)
      .getByRole('status')
      .filter({ hasText: `Resumed: ${brokenUrl}` })
      .waitFor();
    expect(await broken.textContent()).toContain('Active');
    expect(await broken.getByRole('button', { name: 'Resume' }).count()).toBe(0);
    const listed = dataOf(
      await api.client.GET('/webhooks', {
        headers: { authorization: `Bearer ${await api.token('lead', 'lena@support.example')}` },
      }),
    );
    expect(listed.items.find((w) => w.url === brokenUrl)?.status).toBe('active');

    // Delete, after a confirm step that can be backed out of.
    await rowOf(page, hookUrl).getByRole('button', { name: 'Delete' }).click();
    await rowOf(page, hookUrl).getByRole('button', { name: 'Keep it' }).click();
    expect(await rowOf(page, hookUrl).count()).toBe(1);
    await rowOf(page, hookUrl).getByRole('button', { name: 'Delete' }).click();
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Keep it');
    await section(page).screenshot({ path: '/tmp/portal-webhooks-confirm.png' });
    await rowOf(page, hookUrl).getByRole('button', { name: 'Yes, delete' }).click();
    await section(page)
      .getByRole('status')
      .filter({ hasText: `Deleted the webhook for ${hookUrl}` })
      .waitFor();
    expect(await rowOf(page, hookUrl).count()).toBe(0);
    await page.reload();
    await rowOf(page, brokenUrl).waitFor();
    expect(await rowOf(page, hookUrl).count()).toBe(0);
    await page.screenshot({ path: '/tmp/portal-webhooks-after.png', fullPage: true });

    expect(lead.errors).toEqual([]);
    expect(lead.foreign).toEqual([]);
  }, 120_000);

  it('says every missing field at once, each next to its field, and focuses the first', async () => {
    const lead = await browser.open(origin());
    const { page } = lead;
    await signInLead(lead);
    const form = section(page).locator('details.add-webhook');
    await form.locator('summary').click();
    await form.getByRole('button', { name: 'Add the webhook' }).click();
    // The URL and the events are both missing: both are said, under their own fields.
    const url = form.getByLabel('URL');
    const urlError = form
      .locator('.field')
      .filter({ has: page.getByLabel('URL') })
      .locator('.error');
    await urlError.filter({ hasText: 'Enter the URL casewatch posts the events to.' }).waitFor();
    expect(await url.getAttribute('aria-invalid')).toBe('true');
    const events = form.getByRole('group', { name: 'Events', exact: true });
    expect(await events.locator(':scope > .error').textContent()).toBe(
      'Pick at least one event type, or all events.',
    );
    expect(await form.getByRole('alert').textContent()).toContain('Enter the URL');
    expect(await form.getByRole('alert').textContent()).toContain('Pick at least one event type');
    // Focus is where the first thing to fix is.
    expect(await page.evaluate('document.activeElement?.getAttribute("type")')).toBe('url');
    await lookAt(page, 'webhooks-missing');

    // With a URL but no events, only the events are said.
    await url.fill('https://hooks.example.com/none');
    await form.getByRole('button', { name: 'Add the webhook' }).click();
    await expect.poll(() => urlError.count()).toBe(0);
    expect(await events.locator(':scope > .error').count()).toBe(1);
    expect(lead.errors).toEqual([]);
  });

  it('fits a phone', async () => {
    const phone = await browser.open(origin(), { width: 360, height: 740 });
    await signInLead(phone);
    await phone.page.locator('tr.webhook').first().waitFor();
    await phone.page.locator('details.add-webhook summary').click();
    await section(phone.page).screenshot({ path: '/tmp/portal-webhooks-phone.png' });
    await lookAt(phone.page, 'webhooks-360');
    expect(phone.errors).toEqual([]);
  });
});
