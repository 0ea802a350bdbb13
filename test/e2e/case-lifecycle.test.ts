import { describe, expect, it } from 'vitest';
import { consumerCase, type LocalApi, sellerCase, useLocalApi } from './support/local-api.ts';

let api: LocalApi;
let seller: string;
let agent: string;

useLocalApi(async (local) => {
  api = local.api;
  agent = local.agent;
  seller = await api.token('seller', 'ops@acme.example', 'acme');
});

const move = (id: string, status: string, extra: Record<string, unknown> = {}) =>
  api.call('POST', `/cases/${id}/status`, { token: agent, body: { status, ...extra } });

describe('the status machine through the API', () => {
  it('new → open by assignment → working → pending closure → closed, and closed is final', async () => {
    const { body: c } = await api.call('POST', '/cases', { token: seller, body: sellerCase() });
    const assigned = await api.call('PUT', `/cases/${c.id}/assignee`, {
      token: agent,
      body: { agent: 'Bob@Support.example' },
    });
    expect(assigned.body).toMatchObject({ status: 'open', assignee: 'bob@support.example', version: 2 });
    expect((await move(c.id, 'working')).body.status).toBe('working');
    const pending = await move(c.id, 'pending_closure', { note: 'Fixed in release 42.', public: true });
    expect(pending.status).toBe(200);
    expect(pending.body.sla.autoCloseAt).toBe('2026-12-05T17:00:00.000Z');
    expect(pending.body.sla.firstResponse.metAt).toBe('2026-11-30T17:00:00.000Z');
    // Back to new is no move the machine has: a 409 that lists the moves there are.
    const back = await move(c.id, 'new');
    expect(back.status).toBe(409);
    expect(back.body).toMatchObject({
      detail: 'a case cannot go back to new',
      allowed: ['open', 'working', 'pending_internal', 'on_hold', 'closed'],
    });
    const closed = await move(c.id, 'closed');
    expect(closed.body.status).toBe('closed');
    expect(closed.body.sla.autoCloseAt).toBeNull();
    for (const status of ['working', 'open', 'on_hold']) expect((await move(c.id, status)).status).toBe(409);
    expect((await move(c.id, 'closed')).status).toBe(409);
    expect(
      (await api.call('PUT', `/cases/${c.id}/severity`, { token: agent, body: { level: 0, reason: 'x' } }))
        .status,
    ).toBe(409);
    expect(
      (await api.call('POST', `/cases/${c.id}/messages`, { token: agent, body: { body: 'hello?' } })).status,
    ).toBe(409);
    const events = await api.call('GET', `/cases/${c.id}/events`, { token: agent });
    expect(events.body.items.map((e: { type: string }) => e.type)).toEqual([
      'case.opened',
      'assignee.changed',
      'status.changed',
      'status.changed',
      'status.changed',
      'sla.met',
      'status.changed',
      'case.closed',
    ]);
    expect(events.body.items[2]).toMatchObject({ from: 'new', to: 'open', actor: { role: 'system' } });
  });

  it('a customer message on a waiting case reopens it; on a closed case it opens a linked new case', async () => {
    const { body: c } = await api.call('POST', '/cases', { body: consumerCase() });
    await move(c.id, 'on_hold');
    const reply = await api.call('POST', `/cases/${c.id}/messages`, {
      caseToken: c.caseToken,
      body: { body: 'Still broken' },
    });
    expect(reply.status).toBe(201);
    expect(reply.body.case.status).toBe('open');
    await move(c.id, 'closed');
    const late = await api.call('POST', `/cases/${c.id}/messages`, {
      caseToken: c.caseToken,
      body: { body: 'It is back!' },
    });
    expect(late.status).toBe(201);
    expect(late.body.case).toMatchObject({
      relatedCaseId: c.id,
      status: 'new',
      description: 'It is back!',
      orderNumber: 'FS-123',
    });
    expect(late.body.notice).toMatch(/is closed/);
    expect(
      (await api.call('GET', `/cases/${late.body.case.id}`, { caseToken: late.body.caseToken })).status,
    ).toBe(200);
    expect((await api.call('GET', `/cases/${c.id}`, { token: agent })).body.status).toBe('closed');
  });
});

describe('optimistic locking', () => {
  it('a stale If-Match is a 412 and changes nothing; the current version goes through', async () => {
    const { body: c } = await api.call('POST', '/cases', { body: consumerCase() });
    const triage = (ifMatch: string) =>
      api.call('PUT', `/cases/${c.id}/severity`, {
        token: agent,
        headers: { 'if-match': ifMatch },
        body: { level: 1, reason: 'churn risk' },
      });
    await move(c.id, 'working');
    const stale = await triage('"1"');
    expect(stale.status).toBe(412);
    expect((await api.call('GET', `/cases/${c.id}`, { token: agent })).body).toMatchObject({
      version: 2,
      severity: { level: 2 },
    });
    const fresh = await triage('"2"');
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('etag')).toBe('"3"');
    expect(fresh.body.severity).toMatchObject({ level: 1, source: 'agent' });
    expect((await triage('garbage')).status).toBe(400);
    for (const [path, body] of [
      ['messages', { body: 'late reply' }],
      ['escalations', { reason: 'why' }],
      ['attachments', { fileName: 'a.txt', contentType: 'text/plain', size: 3 }],
    ] as const) {
      const r = await api.call('POST', `/cases/${c.id}/${path}`, {
        caseToken: c.caseToken,
        headers: { 'if-match': '"2"' },
        body,
      });
      expect(r.status, path).toBe(412);
    }
  });

  it('concurrent messages without If-Match all land', async () => {
    const { body: c } = await api.call('POST', '/cases', { body: consumerCase() });
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        api.call('POST', `/cases/${c.id}/messages`, {
          token: agent,
          body: { body: `update ${i}`, internal: true },
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(201));
    const events = await api.call('GET', `/cases/${c.id}/events?limit=100`, { token: agent });
    const bodies = events.body.items
      .filter((e: { type: string }) => e.type === 'message.posted')
      .map((e: { body: string }) => e.body);
    expect(bodies.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `update ${i}`).sort());
    expect((await api.call('GET', `/cases/${c.id}`, { token: agent })).body.version).toBe(13);
  });
});

describe('idempotent create', () => {
  it('a retried create with the same Idempotency-Key returns the first case', async () => {
    const headers = { 'idempotency-key': 'retry-me-1' };
    const first = await api.call('POST', '/cases', {
      token: seller,
      headers,
      body: sellerCase({ subject: 'Idem' }),
    });
    const again = await api.call('POST', '/cases', {
      token: seller,
      headers,
      body: sellerCase({ subject: 'Idem' }),
    });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    const other = await api.call('POST', '/cases', {
      token: seller,
      headers: { 'idempotency-key': 'retry-me-2' },
      body: sellerCase(),
    });
    expect(other.body.id).not.toBe(first.body.id);
    const noKey = await api.call('POST', '/cases', { token: seller, body: sellerCase({ subject: 'Idem' }) });
    expect(noKey.body.id).not.toBe(first.body.id);
  });

  it('two callers using the same key get their own cases', async () => {
    const headers = { 'idempotency-key': 'shared-key' };
    const a = await api.call('POST', '/cases', { headers, body: consumerCase({ email: 'a@example.com' }) });
    const b = await api.call('POST', '/cases', { token: seller, headers, body: sellerCase() });
    expect(a.body.id).not.toBe(b.body.id);
  });
});

describe('idempotency cannot be used against someone else', () => {
  it('another buyer reusing a key gets their own case, never the first buyer’s case or token', async () => {
    const headers = { 'idempotency-key': 'order-FS-123' };
    const a = await api.call('POST', '/cases', {
      headers,
      body: consumerCase({ email: 'alice@example.com' }),
    });
    const b = await api.call('POST', '/cases', {
      headers,
      body: consumerCase({ email: 'mallory@example.com', subject: 'Hi' }),
    });
    expect(b.status).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
    expect(b.body.caseToken).not.toBe(a.body.caseToken);
    expect(b.body.requester.email).toBe('mallory@example.com');
  });

  it('a refused create does not block the corrected one under the same key', async () => {
    const headers = { 'idempotency-key': 'fix-and-retry' };
    const bad = await api.call('POST', '/cases', {
      token: seller,
      headers,
      body: sellerCase({ subject: '' }),
    });
    expect(bad.status).toBe(400);
    const fixed = await api.call('POST', '/cases', { token: seller, headers, body: sellerCase() });
    expect(fixed.status).toBe(201);
  });

  it('a seller whose token was refreshed still gets the first case back', async () => {
    const headers = { 'idempotency-key': 'refresh-between-retries' };
    const first = await api.call('POST', '/cases', {
      token: seller,
      headers,
      body: sellerCase({ subject: 'Refresh' }),
    });
    // A refreshed token differs once its issue time (whole seconds) moves on: ask until it does.
    let refreshed = await api.token('seller', 'ops@acme.example', 'acme');
    for (let tries = 0; refreshed === seller && tries < 30; tries++) {
      await new Promise((r) => setTimeout(r, 100));
      refreshed = await api.token('seller', 'ops@acme.example', 'acme');
    }
    expect(refreshed).not.toBe(seller);
    const again = await api.call('POST', '/cases', {
      token: refreshed,
      headers,
      body: sellerCase({ subject: 'Refresh' }),
    });
    expect(again.body.id).toBe(first.body.id);
  });
});

describe('pagination', () => {
  it('pages through the queue with cursors, each case once, sorted by earliest open deadline', async () => {
    const opened: string[] = [];
    for (let i = 0; i < 13; i++) {
      const level = i % 4;
      const { body } = await api.call('POST', '/cases', {
        token: seller,
        body: sellerCase({ subject: `Page ${i}` }),
      });
      await api.call('PUT', `/cases/${body.id}/severity`, { token: agent, body: { level, reason: 'test' } });
      opened.push(body.id);
    }
    const seen: { id: string; due: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/cases?limit=5&status=new${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await api.call('GET', query, { token: agent });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(5);
      for (const c of page.body.items) seen.push({ id: c.id, due: c.sla.firstResponse.dueAt });
      cursor = page.body.cursor;
      pages++;
    } while (cursor && pages < 50);
    const ids = seen.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of opened) expect(ids).toContain(id);
    const dues = seen.map((s) => s.due);
    expect(dues).toEqual([...dues].sort());
  });

  it('a tampered or foreign cursor is a 400', async () => {
    const first = await api.call('GET', '/cases?limit=2', { token: agent });
    const cursor = first.body.cursor as string;
    expect(cursor).toBeTruthy();
    const tampered = `${cursor.slice(0, -3)}${cursor.endsWith('A') ? 'B' : 'A'}xx`;
    for (const bad of [tampered, 'garbage', Buffer.from('{"x":1}').toString('base64url')]) {
      const r = await api.call('GET', `/cases?limit=2&cursor=${encodeURIComponent(bad)}`, { token: agent });
      expect(r.status, bad).toBe(400);
      expect(r.body.errors[0].field).toBe('cursor');
    }
  });
});

describe('attachments', () => {
  it('the upload URL takes exactly the announced file, and the timeline records it', async () => {
    const { body: c } = await api.call('POST', '/cases', { body: consumerCase() });
    const file = Buffer.from('PNG-ish bytes');
    const r = await api.call('POST', `/cases/${c.id}/attachments`, {
      caseToken: c.caseToken,
      body: { fileName: 'screen shot.png', contentType: 'image/png', size: file.length },
    });
    expect(r.status).toBe(201);
    const put = (url: string, type: string, data: Buffer) =>
      fetch(url, { method: 'PUT', headers: { 'content-type': type }, body: data }).then((x) => x.status);
    expect(await put(r.body.uploadUrl, 'image/png', Buffer.from('other size'))).toBe(400);
    expect(await put(r.body.uploadUrl, 'text/html', file)).toBe(400);
    expect(await put(r.body.uploadUrl.replace('size=', 'size=9'), 'image/png', file)).toBe(403);
    expect(await put(r.body.uploadUrl, 'image/png', file)).toBe(200);
    const events = await api.call('GET', `/cases/${c.id}/events`, { caseToken: c.caseToken });
    expect(events.body.items.at(-1)).toMatchObject({
      type: 'attachment.added',
      attachmentId: r.body.attachmentId,
      fileName: 'screen shot.png',
      size: file.length,
    });
  });
});
