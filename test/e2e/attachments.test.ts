import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { describe, expect, it } from 'vitest';
import { consumerCase, type LocalApi, sellerCase, useLocalApi } from './support/local-api.ts';

/**
 * docs/cases.md#attachments end to end on the local runtime: an upload is asked for, its bytes PUT to the
 * local blob store (which announces the arrival as S3's event would), and the file downloaded through a
 * signed, expiring URL — for exactly the callers who may fetch it.
 */
let api: LocalApi;
let agent: string;
let dana: string;
let sam: string;

useLocalApi(async (local) => {
  api = local.api;
  agent = local.agent;
  dana = await api.token('seller', 'dana@acme.example', 'acme');
  sam = await api.token('seller', 'sam@globex.example', 'globex');
});

interface Caller {
  token?: string;
  caseToken?: string;
}

const put = (url: string, type: string, data: Buffer) =>
  fetch(url, { method: 'PUT', headers: { 'content-type': type }, body: data });

async function openSellerCase(): Promise<string> {
  const { body } = await api.call('POST', '/cases', { token: dana, body: sellerCase() });
  return body.id as string;
}

async function upload(caseId: string, who: Caller, file: Record<string, unknown>) {
  const r = await api.call('POST', `/cases/${caseId}/attachments`, { ...who, body: file });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { attachmentId: string; uploadUrl: string; expiresAt: string };
}

/** Asks for an upload and PUTs the bytes: the file has arrived when this returns. */
async function attach(caseId: string, who: Caller, fileName: string, data: Buffer, extra = {}) {
  const u = await upload(caseId, who, {
    fileName,
    contentType: 'application/pdf',
    size: data.length,
    ...extra,
  });
  expect((await put(u.uploadUrl, 'application/pdf', data)).status).toBe(200);
  return u.attachmentId;
}

async function fileEvents(caseId: string, who: Caller = { token: agent }) {
  const { body } = await api.call('GET', `/cases/${caseId}/events?limit=100`, who);
  return (body.items as { type: string; attachmentId?: string }[]).filter(
    (e) => e.type === 'attachment.added',
  );
}

const download = (caseId: string, attachmentId: string, who: Caller) =>
  api.call('GET', `/cases/${caseId}/attachments/${attachmentId}`, who);

describe('upload, then download', () => {
  it('round-trips the bytes, with the type and a Content-Disposition that saves it under its (non-ASCII) name', async () => {
    const caseId = await openSellerCase();
    const data = Buffer.from('%PDF-1.7 quarterly figures \u00e4\u00f6\u00fc');
    const fileName = 'Übersicht März – Q4 "final".pdf';
    const attachmentId = await attach(caseId, { token: dana }, fileName, data);

    for (const who of [{ token: agent }, { token: dana }]) {
      const answer = await download(caseId, attachmentId, who);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.body).toEqual({
        attachmentId,
        fileName,
        contentType: 'application/pdf',
        size: data.length,
        url: expect.stringMatching(/^http:\/\/localhost:\d+\/_local\/blobs\/cases\//),
        expiresAt: '2026-11-30T17:15:00.000Z',
      });
      const file = await fetch(answer.body.url);
      expect(file.status).toBe(200);
      expect(Buffer.from(await file.arrayBuffer())).toEqual(data);
      expect(file.headers.get('content-type')).toBe('application/pdf');
      const disposition = file.headers.get('content-disposition') ?? '';
      expect(disposition).toMatch(/^attachment; /);
      expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent(fileName).replace(/'/g, '%27')}`);
      expect(disposition).toContain('filename="Ubersicht Marz _ Q4 _final_.pdf"');
    }
  });

  it('records attachment.added only when the file arrives, once, however often its arrival is delivered', async () => {
    const caseId = await openSellerCase();
    const data = Buffer.from('%PDF-1.7');
    const u = await upload(
      caseId,
      { token: dana },
      { fileName: 'a.pdf', contentType: 'application/pdf', size: 8 },
    );
    expect(await fileEvents(caseId)).toEqual([]);
    expect((await download(caseId, u.attachmentId, { token: agent })).status).toBe(404);
    // S3 announces every PUT of the URL: the second announcement finds the file recorded.
    for (let i = 0; i < 2; i++) expect((await put(u.uploadUrl, 'application/pdf', data)).status).toBe(200);
    expect(await fileEvents(caseId)).toEqual([
      expect.objectContaining({
        attachmentId: u.attachmentId,
        visibility: 'public',
        actor: { role: 'seller', id: 'dana@acme.example' },
      }),
    ]);
  });
});

describe('who may fetch a file (docs/api.md#not-found-rather-than-forbidden)', () => {
  it('staff any; the requester the public ones; everyone else the same 404 as no file (anonymous: 401)', async () => {
    const caseId = await openSellerCase();
    const data = Buffer.from('%PDF');
    const shared = await attach(caseId, { token: dana }, 'shared.pdf', data);
    const internal = await attach(caseId, { token: agent }, 'ledger.pdf', data, { internal: true });
    const { body: buyer } = await api.call('POST', '/cases', { body: consumerCase() });

    const status = async (id: string, who: Caller) => (await download(caseId, id, who)).status;
    expect(await status(shared, { token: agent })).toBe(200);
    expect(await status(internal, { token: agent })).toBe(200);
    expect(await status(shared, { token: dana })).toBe(200);
    expect(await status(internal, { token: dana })).toBe(404);
    expect(await status(shared, { token: sam })).toBe(404);
    expect(await status(shared, { caseToken: buyer.caseToken })).toBe(404);
    const anonymous = await download(caseId, shared, {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json');
    // Not shaped like an id, or no such file: the same 404.
    expect(await status('01JD0000000000000000000099', { token: agent })).toBe(404);
    expect((await api.call('GET', `/cases/${caseId}/attachments/nope`, { token: agent })).status).toBe(404);

    // The internal file is on the staff timeline, never on the requester's.
    expect((await fileEvents(caseId)).map((e) => e.attachmentId)).toEqual([shared, internal]);
    expect((await fileEvents(caseId, { token: dana })).map((e) => e.attachmentId)).toEqual([shared]);
  });

  it('a buyer fetches the public files of their own case with its case token', async () => {
    const { body: c } = await api.call('POST', '/cases', { body: consumerCase() });
    const id = await attach(c.id, { caseToken: c.caseToken }, 'receipt.pdf', Buffer.from('%PDF'));
    expect((await download(c.id, id, { caseToken: c.caseToken })).status).toBe(200);
  });

  it('only staff may ask for an internal upload', async () => {
    const caseId = await openSellerCase();
    const r = await api.call('POST', `/cases/${caseId}/attachments`, {
      token: dana,
      body: { fileName: 'x.pdf', contentType: 'application/pdf', size: 1, internal: true },
    });
    expect(r.status).toBe(403);
  });
});

describe('the download URL', () => {
  it('expires with the upload URLs, after 15 minutes: then the store refuses it with a 403 problem', async () => {
    const caseId = await openSellerCase();
    const id = await attach(caseId, { token: dana }, 'late.pdf', Buffer.from('%PDF'));
    const { body } = await download(caseId, id, { token: agent });
    expect((await fetch(body.url)).status).toBe(200);
    await api.advance('PT16M');
    const refused = await fetch(body.url);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(await refused.json()).toMatchObject({ status: 403, detail: expect.stringContaining('expired') });
    // A fresh one works again.
    expect((await fetch((await download(caseId, id, { token: agent })).body.url)).status).toBe(200);
  });

  it('cannot be altered: another type or name is not what was signed', async () => {
    const caseId = await openSellerCase();
    const id = await attach(caseId, { token: dana }, 'a.pdf', Buffer.from('%PDF'));
    const url = new URL((await download(caseId, id, { token: agent })).body.url);
    url.searchParams.set('response-content-type', 'text/html');
    expect((await fetch(url)).status).toBe(403);
  });
});

describe('file names (docs/cases.md#file-names)', () => {
  it.each(['.', '..', '   ', ' . ', '\u3000', '\u200b', 'a/b.pdf'])(
    '%j is a 400 naming fileName',
    async (fileName) => {
      const caseId = await openSellerCase();
      const r = await api.call('POST', `/cases/${caseId}/attachments`, {
        token: dana,
        body: { fileName, contentType: 'application/pdf', size: 1 },
      });
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toBe('application/problem+json');
      expect((r.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['fileName']);
    },
  );
});

describe('files that come by mail', () => {
  it('are on the case as files staff can download, a name the rule refuses replaced, never refused', async () => {
    const report = Buffer.from('%PDF-1.4 mailed report');
    const shot = Buffer.from('89504e470d0a1a0a', 'hex');
    const raw = await new MailComposer({
      from: 'Mail Buyer <mail-buyer@example.com>',
      to: `support@${api.runtime.mailDomain}`,
      subject: 'Invoice attached',
      text: 'Order FS-778, charged twice (FSPRG*ACME). Files attached.',
      attachments: [
        { filename: 'invoice.pdf', content: report, contentType: 'application/pdf' },
        { filename: '..', content: shot, contentType: 'image/png' },
      ],
    })
      .compile()
      .build();
    const inbound = await api.call('POST', '/_local/inbound', {
      rawBody: raw.toString('latin1'),
      headers: { 'content-type': 'message/rfc822' },
    });
    expect(inbound.status).toBe(200);
    const [result] = inbound.body.results as { kind: string; caseId: string }[];
    expect(result?.kind).toBe('opened');
    const caseId = result?.caseId as string;
    const files = (await fileEvents(caseId)) as unknown as { attachmentId: string; fileName: string }[];
    expect(files.map((f) => f.fileName)).toEqual(['invoice.pdf', 'attachment-2.png']);
    for (const [file, bytes] of [
      [files[0], report],
      [files[1], shot],
    ] as const) {
      const answer = await download(caseId, file?.attachmentId as string, { token: agent });
      expect(answer.status).toBe(200);
      const fetched = await fetch(answer.body.url);
      expect(Buffer.from(await fetched.arrayBuffer())).toEqual(bytes);
      expect(fetched.headers.get('content-disposition')).toContain(`filename="${file?.fileName}"`);
    }
  });
});
