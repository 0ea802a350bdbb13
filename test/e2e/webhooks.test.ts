import { describe, expect, it } from 'vitest';
import { signatureProblem } from '../../shared/adapters/webhooks/signing.ts';
import { detailSchemaOf } from '../../shared/domain/case-events.ts';
import type { TimelineEventType } from '../../shared/domain/timeline.ts';
import { useWebhookReceiver } from '../support/webhook-receiver.ts';
import { consumerCase, type LocalApi, useLocalApi } from './support/local-api.ts';

/*
 * Webhooks on the local runtime (docs/integrations.md): a receiver on loopback gets each event once per
 * delivery attempt, signed; an internal note never reaches an external webhook; a receiver that keeps
 * answering 500 gets its retries, then the webhook pauses and the leads are mailed.
 */

let api: LocalApi;
let lead: string;
let agent: string;
/** Answers 500 on `/broken…`, 200 elsewhere. */
const receiver = useWebhookReceiver();
const { received } = receiver;

useLocalApi(async (local) => {
  api = local.api;
  agent = local.agent;
  lead = await api.token('lead', 'lena@support.example');
});

const register = (body: unknown, token = lead) => api.call('POST', '/webhooks', { token, body });
const bodiesAt = (path: string) => received.filter((r) => r.path === path);

describe('registering a webhook', () => {
  it('is for leads only', async () => {
    expect((await register({ url: `${receiver.base}/x`, events: ['*'] }, agent)).status).toBe(403);
  });

  it('refuses URLs that are not https, or reach inside the network, saying why', async () => {
    const cases: [string, RegExp][] = [
      ['http://example.com/hook', /only https URLs are accepted/],
      ['https://10.1.2.3/hook', /10\.1\.2\.3 is a private address/],
      ['https://169.254.169.254/latest/meta-data', /link-local address \(as the cloud metadata service is\)/],
      ['https://[fd00::1]/hook', /unique-local/],
      ['https://user:pw@hooks.example.com/x', /user name or password/],
    ];
    for (const [url, reason] of cases) {
      const answer = await register({ url, events: ['*'] });
      expect(answer.status, url).toBe(400);
      expect(answer.body.detail, url).toMatch(reason);
    }
    expect((await register({ url: `${receiver.base}/x`, events: ['case.nope'] })).body.detail).toMatch(
      /unknown event types: case\.nope/,
    );
  });
});

describe('deliveries to a receiver on loopback', () => {
  let secret: string;
  let webhookId: string;

  it('a webhook for every event gets its secret once', async () => {
    const answer = await register({ url: `${receiver.base}/all`, events: ['*'] });
    expect(answer.status).toBe(201);
    expect(answer.body.secret).toMatch(/^whsec_/);
    secret = answer.body.secret;
    webhookId = answer.body.id;
    const read = await api.call('GET', `/webhooks/${webhookId}`, { token: lead });
    expect(read.body.secret).toBeUndefined();
  });

  it('gets each event of a case once, signed, in case-version order, and no internal note', async () => {
    const opened = await api.call('POST', '/cases', { body: consumerCase({ email: 'hooked@example.com' }) });
    const id = opened.body.id as string;
    await api.call('POST', `/cases/${id}/messages`, {
      token: agent,
      body: { body: 'staff only', internal: true },
    });
    await api.call('POST', `/cases/${id}/messages`, { token: agent, body: { body: 'We are on it.' } });
    await api.sent();
    const bodies = bodiesAt('/all').map((r) => ({ ...r, detail: JSON.parse(r.body) }));
    const ofCase = bodies.filter((b) => b.detail.caseId === id);
    // `sla.met` and the internal note are internal events: an external webhook gets neither.
    expect(ofCase.map((b) => b.detail.type)).toEqual(['case.opened', 'message.posted']);
    expect(JSON.stringify(ofCase)).not.toContain('staff only');
    // One delivery per event: no id twice.
    expect(new Set(ofCase.map((b) => b.detail.id)).size).toBe(ofCase.length);
    const versions = ofCase.map((b) => b.detail.caseVersion as number);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    for (const b of ofCase) {
      expect(b.headers['casewatch-event-id']).toBe(b.detail.id);
      expect(b.headers['casewatch-delivery-attempt']).toBe('1');
      // The local runtime's clock is manual: signatures carry its time, which the receiver reads from the header.
      const t = Number(/t=(\d+)/.exec(String(b.headers['casewatch-signature']))?.[1]);
      expect(signatureProblem(secret, String(b.headers['casewatch-signature']), b.body, t)).toBeNull();
      // A replay later than the window is refused; an altered body never verifies.
      expect(signatureProblem(secret, String(b.headers['casewatch-signature']), b.body, t + 301)).toMatch(
        /replay window/,
      );
      expect(signatureProblem(secret, String(b.headers['casewatch-signature']), `${b.body} `, t)).toMatch(
        /does not match/,
      );
      expect(
        signatureProblem(`${secret}x`, String(b.headers['casewatch-signature']), b.body, t),
      ).not.toBeNull();
    }
  });

  it('every published detail validates against its detail-type’s schema', async () => {
    const { published } = (await api.call('GET', '/_local/events')).body as {
      published: { type: TimelineEventType }[];
    };
    expect(published.length).toBeGreaterThan(3);
    for (const detail of published) {
      const parsed = detailSchemaOf(detail.type).safeParse(detail);
      expect(parsed.success, `${detail.type}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
    // The internal note is on the bus (internal subscribers), marked so.
    expect(published.some((d) => JSON.stringify(d).includes('staff only'))).toBe(true);
  });

  it('the delivery log shows each attempt with its status', async () => {
    const read = await api.call('GET', `/webhooks/${webhookId}`, { token: lead });
    expect(read.body.deliveries.length).toBeGreaterThanOrEqual(2);
    expect(read.body.deliveries[0]).toMatchObject({
      webhookId,
      attempt: 1,
      status: 200,
      ok: true,
      error: null,
    });
  });
});

describe('a receiver that keeps failing', () => {
  it('gets three attempts (now, +1 min, +5 min), then the webhook pauses and the leads are mailed', async () => {
    const answer = await register({
      url: `${receiver.base}/broken`,
      events: ['case.opened'],
      filters: { caseType: 'consumer' },
    });
    const id = answer.body.id as string;
    await api.call('POST', '/cases', { body: consumerCase({ email: 'broken@example.com' }) });
    await api.sent();
    expect(bodiesAt('/broken').map((r) => r.headers['casewatch-delivery-attempt'])).toEqual(['1']);
    await api.advance('PT59S');
    expect(bodiesAt('/broken')).toHaveLength(1);
    await api.advance('PT1S');
    expect(bodiesAt('/broken').map((r) => r.headers['casewatch-delivery-attempt'])).toEqual(['1', '2']);
    await api.advance('PT5M');
    expect(bodiesAt('/broken').map((r) => r.headers['casewatch-delivery-attempt'])).toEqual(['1', '2', '3']);
    // The same event each time.
    expect(new Set(bodiesAt('/broken').map((r) => r.headers['casewatch-event-id'])).size).toBe(1);
    const read = await api.call('GET', `/webhooks/${id}`, { token: lead });
    expect(read.body).toMatchObject({
      status: 'paused',
      pausedReason: expect.stringMatching(/3 attempts failed/),
    });
    expect(read.body.deliveries.map((d: { status: number }) => d.status)).toEqual([500, 500, 500]);
    const mails = (await api.mailTo('leads@support.example')).filter((m) =>
      m.subject.startsWith('Webhook paused'),
    );
    expect(mails).toHaveLength(1);
    expect(mails[0]?.body.text).toContain(`${receiver.base}/broken`);
    const queue = (await api.call('GET', '/_local/webhooks/queue')).body;
    expect(queue.deadLetters).toEqual([
      expect.objectContaining({ delivery: expect.objectContaining({ webhookId: id, attempt: 3 }) }),
    ]);
    // Paused: the next event is not posted.
    await api.call('POST', '/cases', { body: consumerCase({ email: 'broken2@example.com' }) });
    await api.advance('PT10M');
    expect(bodiesAt('/broken')).toHaveLength(3);
    // Resumed: it is.
    expect((await api.call('POST', `/webhooks/${id}/resume`, { token: lead })).body.status).toBe('active');
    await api.call('POST', '/cases', { body: consumerCase({ email: 'broken3@example.com' }) });
    await api.sent();
    expect(bodiesAt('/broken')).toHaveLength(4);
  });

  it('a deleted webhook gets nothing more', async () => {
    const { body } = await api.call('GET', '/webhooks', { token: lead });
    for (const w of body.items as { id: string }[]) {
      expect((await api.call('DELETE', `/webhooks/${w.id}`, { token: lead })).status).toBe(204);
    }
    const before = received.length;
    await api.call('POST', '/cases', { body: consumerCase({ email: 'after@example.com' }) });
    await api.sent();
    expect(received.length).toBe(before);
    expect(
      (await api.call('GET', `/webhooks/${(body.items as { id: string }[])[0]?.id}`, { token: lead })).status,
    ).toBe(404);
  });
});
