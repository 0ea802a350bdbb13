import { describe, expect, it } from 'vitest';
import type { components } from '../../openapi/schema.d.ts';
import {
  consumerCase,
  credential,
  dataOf,
  type LocalApi,
  problemOf,
  sellerCase,
  useLocalApi,
} from './support/local-api.ts';

let api: LocalApi;
let seller: string;
let asAgent: Record<string, string>;
let asSeller: Record<string, string>;

useLocalApi(async (local) => {
  api = local.api;
  asAgent = credential({ token: local.agent });
  await api.token('agent', 'bob@support.example'); // on the team, so cases can be assigned to Bob
  seller = await api.token('seller', 'ops@acme.example', 'acme');
  asSeller = credential({ token: seller });
});

type Status = components['schemas']['Case']['status'];

const move = (id: string, status: Status, extra: { note?: string; public?: boolean } = {}) =>
  api.client.POST('/cases/{id}/status', {
    params: { path: { id } },
    headers: asAgent,
    body: { status, ...extra },
  });
const read = (id: string) => api.client.GET('/cases/{id}', { params: { path: { id } }, headers: asAgent });

describe('the status machine through the API', () => {
  it('new → open by assignment → working → pending closure → closed, and closed is final', async () => {
    const c = dataOf(await api.client.POST('/cases', { headers: asSeller, body: sellerCase() }));
    const own = { path: { id: c.id } };
    const assigned = await api.client.PUT('/cases/{id}/assignee', {
      params: own,
      headers: asAgent,
      body: { agent: 'Bob@Support.example' },
    });
    expect(assigned.data).toMatchObject({ status: 'open', assignee: 'bob@support.example', version: 2 });
    expect((await move(c.id, 'working')).data?.status).toBe('working');
    const pending = await move(c.id, 'pending_closure', { note: 'Fixed in release 42.', public: true });
    expect(pending.response.status).toBe(200);
    expect(pending.data?.sla.autoCloseAt).toBe('2026-12-05T17:00:00.000Z');
    expect(pending.data?.sla.firstResponse.metAt).toBe('2026-11-30T17:00:00.000Z');
    // Back to new is no move the machine has: a 409 that lists the moves there are.
    const back = await move(c.id, 'new');
    expect(back.response.status).toBe(409);
    expect(problemOf(back.error)).toMatchObject({
      detail: 'a case cannot go back to new',
      allowed: ['open', 'working', 'pending_internal', 'on_hold', 'closed'],
    });
    const closed = await move(c.id, 'closed');
    expect(closed.data?.status).toBe('closed');
    expect(closed.data?.sla.autoCloseAt).toBeNull();
    for (const status of ['working', 'open', 'on_hold'] as const) {
      expect((await move(c.id, status)).response.status).toBe(409);
    }
    expect((await move(c.id, 'closed')).response.status).toBe(409);
    const severity = await api.client.PUT('/cases/{id}/severity', {
      params: own,
      headers: asAgent,
      body: { level: 0, reason: 'x' },
    });
    expect(severity.response.status).toBe(409);
    const message = await api.client.POST('/cases/{id}/messages', {
      params: own,
      headers: asAgent,
      body: { body: 'hello?' },
    });
    expect(message.response.status).toBe(409);
    const events = dataOf(await api.client.GET('/cases/{id}/events', { params: own, headers: asAgent }));
    expect(events.items.map((e) => e.type)).toEqual([
      'case.opened',
      'assignee.changed',
      'status.changed',
      'status.changed',
      'status.changed',
      'sla.met',
      'status.changed',
      'case.closed',
    ]);
    expect(events.items[2]).toMatchObject({ from: 'new', to: 'open', actor: { role: 'system' } });
  });

  it('a customer message on a waiting case reopens it; on a closed case it opens a linked new case', async () => {
    const c = dataOf(await api.client.POST('/cases', { body: consumerCase() }));
    const asBuyer = credential({ caseToken: c.caseToken });
    await move(c.id, 'on_hold');
    const reply = await api.client.POST('/cases/{id}/messages', {
      params: { path: { id: c.id } },
      headers: asBuyer,
      body: { body: 'Still broken' },
    });
    expect(reply.response.status).toBe(201);
    expect(reply.data?.case.status).toBe('open');
    await move(c.id, 'closed');
    const late = await api.client.POST('/cases/{id}/messages', {
      params: { path: { id: c.id } },
      headers: asBuyer,
      body: { body: 'It is back!' },
    });
    expect(late.response.status).toBe(201);
    const followUp = dataOf(late);
    expect(followUp.case).toMatchObject({
      relatedCaseId: c.id,
      status: 'new',
      description: 'It is back!',
      orderNumber: 'FS-123',
    });
    // Not the other answer (a message on its case), the one with a notice and the new case's token.
    // (openapi-fetch's response types drop the `message: null` that tells them apart in the document.)
    if (!('notice' in followUp)) throw new Error('the message landed on the closed case');
    expect(followUp.notice).toMatch(/is closed/);
    const opened = await api.client.GET('/cases/{id}', {
      params: { path: { id: followUp.case.id } },
      headers: credential({ caseToken: followUp.caseToken }),
    });
    expect(opened.response.status).toBe(200);
    expect((await read(c.id)).data?.status).toBe('closed');
  });
});

describe('optimistic locking', () => {
  it('a stale If-Match is a 412 and changes nothing; the current version goes through', async () => {
    const c = dataOf(await api.client.POST('/cases', { body: consumerCase() }));
    const triage = (ifMatch: string) =>
      api.client.PUT('/cases/{id}/severity', {
        params: { path: { id: c.id }, header: { 'If-Match': ifMatch } },
        headers: asAgent,
        body: { level: 1, reason: 'churn risk' },
      });
    await move(c.id, 'working');
    const stale = await triage('"1"');
    expect(stale.response.status).toBe(412);
    expect((await read(c.id)).data).toMatchObject({
      version: 2,
      severity: { level: 2 },
    });
    const fresh = await triage('"2"');
    expect(fresh.response.status).toBe(200);
    expect(fresh.response.headers.get('etag')).toBe('"3"');
    expect(fresh.data?.severity).toMatchObject({ level: 1, source: 'agent' });
    expect((await triage('garbage')).response.status).toBe(400);
    const asBuyer = credential({ caseToken: c.caseToken });
    const atVersion2 = { path: { id: c.id }, header: { 'If-Match': '"2"' } };
    const writes = {
      messages: () =>
        api.client.POST('/cases/{id}/messages', {
          params: atVersion2,
          headers: asBuyer,
          body: { body: 'late reply' },
        }),
      escalations: () =>
        api.client.POST('/cases/{id}/escalations', {
          params: atVersion2,
          headers: asBuyer,
          body: { reason: 'why' },
        }),
      attachments: () =>
        api.client.POST('/cases/{id}/attachments', {
          params: atVersion2,
          headers: asBuyer,
          body: { fileName: 'a.txt', contentType: 'text/plain', size: 3 },
        }),
    };
    for (const [path, write] of Object.entries(writes)) {
      expect((await write()).response.status, path).toBe(412);
    }
  });

  it('concurrent messages without If-Match all land', async () => {
    const c = dataOf(await api.client.POST('/cases', { body: consumerCase() }));
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        api.client.POST('/cases/{id}/messages', {
          params: { path: { id: c.id } },
          headers: asAgent,
          body: { body: `update ${i}`, internal: true },
        }),
      ),
    );
    expect(answers.map((a) => a.response.status)).toEqual(Array(12).fill(201));
    const events = dataOf(
      await api.client.GET('/cases/{id}/events', {
        params: { path: { id: c.id }, query: { limit: 100 } },
        headers: asAgent,
      }),
    );
    const bodies = events.items.filter((e) => e.type === 'message.posted').map((e) => e.body);
    expect(bodies.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `update ${i}`).sort());
    expect((await read(c.id)).data?.version).toBe(13);
  });
});

describe('idempotent create', () => {
  const key = (k: string) => ({ header: { 'Idempotency-Key': k } });

  it('a retried create with the same Idempotency-Key returns the first case', async () => {
    const params = key('retry-me-1');
    const first = await api.client.POST('/cases', {
      params,
      headers: asSeller,
      body: sellerCase({ subject: 'Idem' }),
    });
    const again = await api.client.POST('/cases', {
      params,
      headers: asSeller,
      body: sellerCase({ subject: 'Idem' }),
    });
    expect(first.response.status).toBe(201);
    expect(again.response.status).toBe(201);
    expect(again.data?.id).toBe(first.data?.id);
    const other = await api.client.POST('/cases', {
      params: key('retry-me-2'),
      headers: asSeller,
      body: sellerCase(),
    });
    expect(other.data?.id).not.toBe(first.data?.id);
    const noKey = await api.client.POST('/cases', {
      headers: asSeller,
      body: sellerCase({ subject: 'Idem' }),
    });
    expect(noKey.data?.id).not.toBe(first.data?.id);
  });

  it('an empty key, or one longer than 255 characters, is a 400 that names the header; nothing is opened', async () => {
    for (const bad of ['', 'k'.repeat(256)]) {
      const refused = await api.call('POST', '/cases', {
        token: seller,
        headers: { 'Idempotency-Key': bad },
        body: sellerCase({ subject: `Key of ${bad.length}` }),
      });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([{ field: 'Idempotency-Key', message: 'invalid' }]);
    }
    const listed = await api.client.GET('/cases', { params: { query: { limit: 100 } }, headers: asSeller });
    expect(JSON.stringify(listed.data)).not.toContain('Key of ');
    const longest = await api.client.POST('/cases', {
      params: key('k'.repeat(255)),
      headers: asSeller,
      body: sellerCase(),
    });
    expect(longest.response.status).toBe(201);
  });

  it('two callers using the same key get their own cases', async () => {
    const params = key('shared-key');
    const a = await api.client.POST('/cases', { params, body: consumerCase({ email: 'a@example.com' }) });
    const b = await api.client.POST('/cases', { params, headers: asSeller, body: sellerCase() });
    expect(a.data?.id).not.toBe(b.data?.id);
  });
});

describe('idempotency cannot be used against someone else', () => {
  const key = (k: string) => ({ header: { 'Idempotency-Key': k } });

  it('another buyer reusing a key gets their own case, never the first buyer’s case or token', async () => {
    const params = key('order-FS-123');
    const a = await api.client.POST('/cases', {
      params,
      body: consumerCase({ email: 'alice@example.com' }),
    });
    const b = await api.client.POST('/cases', {
      params,
      body: consumerCase({ email: 'mallory@example.com', subject: 'Hi' }),
    });
    expect(b.response.status).toBe(201);
    expect(b.data?.id).not.toBe(a.data?.id);
    expect(b.data?.caseToken).not.toBe(a.data?.caseToken);
    expect(b.data?.requester.email).toBe('mallory@example.com');
  });

  it('a refused create does not block the corrected one under the same key', async () => {
    const params = key('fix-and-retry');
    const bad = await api.client.POST('/cases', {
      params,
      headers: asSeller,
      body: sellerCase({ subject: '' }),
    });
    expect(bad.response.status).toBe(400);
    const fixed = await api.client.POST('/cases', { params, headers: asSeller, body: sellerCase() });
    expect(fixed.response.status).toBe(201);
  });

  it('a seller whose token was refreshed still gets the first case back', async () => {
    const params = key('refresh-between-retries');
    const first = await api.client.POST('/cases', {
      params,
      headers: asSeller,
      body: sellerCase({ subject: 'Refresh' }),
    });
    // A refreshed token differs once its issue time (whole seconds) moves on: ask until it does.
    let refreshed = await api.token('seller', 'ops@acme.example', 'acme');
    for (let tries = 0; refreshed === seller && tries < 30; tries++) {
      await new Promise((r) => setTimeout(r, 100));
      refreshed = await api.token('seller', 'ops@acme.example', 'acme');
    }
    expect(refreshed).not.toBe(seller);
    const again = await api.client.POST('/cases', {
      params,
      headers: credential({ token: refreshed }),
      body: sellerCase({ subject: 'Refresh' }),
    });
    expect(again.data?.id).toBe(first.data?.id);
  });
});

describe('pagination', () => {
  it('pages through the queue with cursors, each case once, sorted by earliest open deadline', async () => {
    const levels = [0, 1, 2, 3] as const;
    const opened: string[] = [];
    for (let i = 0; i < 13; i++) {
      const level = levels[i % levels.length] ?? 0;
      const c = dataOf(
        await api.client.POST('/cases', { headers: asSeller, body: sellerCase({ subject: `Page ${i}` }) }),
      );
      await api.client.PUT('/cases/{id}/severity', {
        params: { path: { id: c.id } },
        headers: asAgent,
        body: { level, reason: 'test' },
      });
      opened.push(c.id);
    }
    const list = (cursor: string | null) =>
      api.client.GET('/cases', {
        params: { query: { limit: 5, status: 'new', cursor: cursor ?? undefined } },
        headers: asAgent,
      });
    const seen: { id: string; due: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof list>> = await list(cursor);
      expect(page.response.status).toBe(200);
      const { items, cursor: next } = dataOf(page);
      expect(items.length).toBeLessThanOrEqual(5);
      for (const c of items) seen.push({ id: c.id, due: c.sla.firstResponse.dueAt });
      cursor = next;
      pages++;
    } while (cursor && pages < 50);
    const ids = seen.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of opened) expect(ids).toContain(id);
    const dues = seen.map((s) => s.due);
    expect(dues).toEqual([...dues].sort());
  });

  it('closed cases list the most recently closed first, on every page', async () => {
    const closeOne = async (subject: string) => {
      const c = dataOf(await api.client.POST('/cases', { headers: asSeller, body: sellerCase({ subject }) }));
      await api.client.POST('/cases/{id}/status', {
        params: { path: { id: c.id } },
        headers: asAgent,
        body: { status: 'closed' },
      });
      await api.advance('PT1M');
      return c.number;
    };
    const closed = [
      await closeOne('First closed'),
      await closeOne('Then this'),
      await closeOne('Closed last'),
    ];
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const page = dataOf(
        await api.client.GET('/cases', {
          params: { query: { status: 'closed', limit: 1, ...(cursor ? { cursor } : {}) } },
          headers: asAgent,
        }),
      );
      seen.push(...page.items.map((c) => c.number));
      if (!page.cursor) break;
      cursor = page.cursor;
    }
    // Other tests' closed cases are in the list too (a survey sent since moves one up): ours, in order.
    expect(seen.filter((n) => closed.includes(n))).toEqual([...closed].reverse());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('a tampered or foreign cursor is a 400', async () => {
    const list = (query: { limit: number; cursor?: string; status?: 'new' }) =>
      api.client.GET('/cases', { params: { query }, headers: asAgent });
    const { cursor } = dataOf(await list({ limit: 2 }));
    expect(cursor).toBeTruthy();
    if (!cursor) throw new Error('the first page names no next one');
    const tampered = `${cursor.slice(0, -3)}${cursor.endsWith('A') ? 'B' : 'A'}xx`;
    for (const bad of [tampered, 'garbage', Buffer.from('{"x":1}').toString('base64url')]) {
      const r = await list({ limit: 2, cursor: bad });
      expect(r.response.status, bad).toBe(400);
      expect(problemOf(r.error).errors?.[0]?.field).toBe('cursor');
    }
    // A genuine cursor followed with other filters is told apart from a forged one.
    const other = await list({ limit: 2, cursor, status: 'new' });
    expect(other.response.status).toBe(400);
    expect(problemOf(other.error).detail).toBe(
      'the cursor belongs to another list: follow it with the filters that made it, or start again without one',
    );
    expect(problemOf((await list({ limit: 2, cursor: tampered })).error).detail).toBe(
      'the cursor is not one this API issued',
    );
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
