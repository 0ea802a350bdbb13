import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS } from '../../openapi/generate.ts';
import { credential, type LocalApi, problemOf, useLocalApi } from './support/local-api.ts';

let api: LocalApi;
let agent: string;
useLocalApi((started) => {
  ({ api, agent } = started);
});

describe('the API serves its own contract', () => {
  it('GET /openapi.json is the generated document, to anyone', async () => {
    const r = await api.call('GET', '/openapi.json');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.body).toEqual(JSON.parse(readFileSync(ARTIFACTS.document, 'utf8')));
  });

  it('GET /docs is a page that loads its renderer from the API itself, under a strict policy', async () => {
    const page = await fetch(`${api.runtime.apiUrl}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(
      /default-src 'none'.*script-src 'self' blob:/,
    );
    const html = await page.text();
    expect(html).toContain('<redoc spec-url="openapi.json"');
    const src = /<script src="([^"]+)"/.exec(html)?.[1] as string;
    expect(src).not.toMatch(/^https?:/);
    const script = await fetch(new URL(src, `${api.runtime.apiUrl}/docs`));
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await script.text()).length).toBeGreaterThan(500_000);
    expect((await api.call('GET', '/docs/nothing.js')).status).toBe(404);
  });
});

describe('a client generated from the document', () => {
  it('opens, reads and lists a case with types from the document', async () => {
    const opened = await api.client.POST('/cases', {
      body: {
        type: 'consumer',
        subject: 'Typed',
        description: 'Opened by the generated client.',
        requester: { email: 'typed@example.com' },
        orderNumber: 'FS-9',
        billingDescriptor: 'FSPRG',
      },
    });
    expect(opened.response.status).toBe(201);
    const created = opened.data;
    if (!created) throw new Error('no case');
    expect(created.caseToken).toEqual(expect.any(String));
    const read = await api.client.GET('/cases/{id}', {
      params: { path: { id: created.number } },
      headers: credential({ caseToken: created.caseToken }),
    });
    expect(read.data?.id).toBe(created.id);
    expect(read.response.headers.get('etag')).toBe('"1"');
    const listed = await api.client.GET('/cases', {
      params: { query: { requester: 'typed@example.com' } },
      headers: credential({ token: agent }),
    });
    expect(listed.data?.items.map((c) => c.id)).toEqual([created.id]);
    const refused = await api.client.POST('/cases/{id}/status', {
      params: { path: { id: created.id } },
      headers: credential({ token: agent }),
      body: { status: 'new' },
    });
    expect(refused.response.status).toBe(409);
    expect(problemOf(refused.error).allowed).toEqual([
      'open',
      'working',
      'pending_internal',
      'pending_closure',
      'on_hold',
      'closed',
    ]);
  });
});
