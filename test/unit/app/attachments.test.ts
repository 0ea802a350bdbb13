import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../shared/app/actor.ts';
import {
  attachmentDownload,
  recordArrival,
  requestAttachmentUpload,
} from '../../../shared/app/attachments.ts';
import { changeStatus } from '../../../shared/app/change-status.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../shared/app/errors.ts';
import { openCase } from '../../../shared/app/open-case.ts';
import type { TimelineEvent } from '../../../shared/domain/timeline.ts';
import { agent, openConsumerCase } from '../../support/cases.ts';
import { MemoryBlobStore } from '../../support/memory-blob-store.ts';
import { TimerSim } from '../../support/timer-sim.ts';

function setup() {
  const sim = new TimerSim('2026-12-01T17:00:00.000Z');
  const blobs = new MemoryBlobStore(sim.clock);
  return { sim, blobs, deps: { ...sim.appDeps, blobs } };
}

const png = { fileName: 'shot.png', contentType: 'image/png', size: 4 };
const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
const dana: Actor = { kind: 'seller', email: 'dana@acme.example', sellerId: 'acme' };
const sam: Actor = { kind: 'seller', email: 'sam@globex.example', sellerId: 'globex' };

/** The key an upload URL of the memory store names. */
const keyOf = (uploadUrl: string) => decodeURIComponent(new URL(uploadUrl).pathname.slice(1));

const files = (events: TimelineEvent[] | undefined) =>
  (events ?? []).filter((e) => e.type === 'attachment.added');

async function sellerCase(deps: ReturnType<typeof setup>['deps']) {
  const opened = await openCase(deps, dana, { type: 'seller', subject: 'Webhooks', description: 'stopped' });
  return opened.case;
}

describe('asking for an upload (docs/cases.md#attachments)', () => {
  it('keeps the upload and hands out a URL; the timeline says nothing until the file arrives', async () => {
    const { sim, deps } = setup();
    const c = await sellerCase(deps);
    const url = await requestAttachmentUpload(deps, dana, c.id, png);
    expect(url.expiresAt).toBe('2026-12-01T17:15:00.000Z');
    expect(await sim.store.getUpload(c.id, url.attachmentId)).toMatchObject({
      ...png,
      visibility: 'public',
      uploadedBy: { role: 'seller', id: 'dana@acme.example' },
      blobKey: keyOf(url.uploadUrl),
    });
    expect(files(sim.store.events.get(c.id))).toEqual([]);
    expect((await sim.store.get(c.id))?.version).toBe(c.version);
  });

  it('keeps the name as the file-name rule spells it', async () => {
    const { sim, deps } = setup();
    const c = await sellerCase(deps);
    const url = await requestAttachmentUpload(deps, dana, c.id, { ...png, fileName: ' Cafe\u0301.png ' });
    expect((await sim.store.getUpload(c.id, url.attachmentId))?.fileName).toBe('Café.png');
  });

  it('refuses a name the rule refuses, naming fileName', async () => {
    const { deps } = setup();
    const c = await sellerCase(deps);
    for (const fileName of ['.', '..', ' \u3000 ', '../etc/passwd']) {
      const refused = requestAttachmentUpload(deps, dana, c.id, { ...png, fileName });
      await expect(refused, fileName).rejects.toBeInstanceOf(ValidationError);
      await expect(refused).rejects.toMatchObject({ errors: [{ field: 'fileName' }] });
    }
  });

  it('lets staff attach internal files, and nobody else', async () => {
    const { sim, deps } = setup();
    const c = await sellerCase(deps);
    const url = await requestAttachmentUpload(deps, agent, c.id, { ...png, internal: true });
    expect((await sim.store.getUpload(c.id, url.attachmentId))?.visibility).toBe('internal');
    await expect(
      requestAttachmentUpload(deps, dana, c.id, { ...png, internal: true }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('is a 404 for a case the caller may not see, and a 409 on a closed case', async () => {
    const { deps } = setup();
    const c = await sellerCase(deps);
    await expect(requestAttachmentUpload(deps, sam, c.id, png)).rejects.toBeInstanceOf(NotFoundError);
    await changeStatus(deps, dana, c.id, { status: 'closed' });
    await expect(requestAttachmentUpload(deps, dana, c.id, png)).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('a file arriving', () => {
  it('is recorded by its uploader, with its record, when the announced file is in the store', async () => {
    const { sim, deps, blobs } = setup();
    const c = await openConsumerCase(deps);
    const buyer: Actor = { kind: 'consumer', caseId: c.id };
    const url = await requestAttachmentUpload(deps, buyer, c.id, png);
    const key = keyOf(url.uploadUrl);
    await blobs.arrive(key, bytes, 'image/png');
    expect(await recordArrival(deps, key)).toEqual({
      kind: 'recorded',
      caseId: c.id,
      attachmentId: url.attachmentId,
    });
    expect(files(sim.store.events.get(c.id))).toEqual([
      expect.objectContaining({
        type: 'attachment.added',
        attachmentId: url.attachmentId,
        ...png,
        visibility: 'public',
        actor: { role: 'consumer', id: 'b@example.com' },
      }),
    ]);
    expect(await sim.store.getAttachment(c.id, url.attachmentId)).toEqual({
      caseId: c.id,
      attachmentId: url.attachmentId,
      ...png,
      visibility: 'public',
      blobKey: key,
    });
  });

  it('is recorded once however often its arrival is delivered', async () => {
    const { sim, deps, blobs } = setup();
    const c = await sellerCase(deps);
    const url = await requestAttachmentUpload(deps, dana, c.id, png);
    const key = keyOf(url.uploadUrl);
    await blobs.arrive(key, bytes, 'image/png');
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push((await recordArrival(deps, key)).kind);
    expect(outcomes).toEqual(['recorded', 'duplicate', 'duplicate']);
    expect(files(sim.store.events.get(c.id))).toHaveLength(1);
  });

  it('is not recorded when what landed is not the file announced, or nothing landed', async () => {
    const { sim, deps, blobs } = setup();
    const c = await sellerCase(deps);
    const url = await requestAttachmentUpload(deps, dana, c.id, png);
    const key = keyOf(url.uploadUrl);
    expect(await recordArrival(deps, key)).toMatchObject({ kind: 'ignored', reason: 'missing' });
    await blobs.arrive(key, Buffer.from('longer'), 'image/png');
    expect(await recordArrival(deps, key)).toMatchObject({ kind: 'ignored', reason: 'mismatch' });
    await blobs.arrive(key, bytes, 'text/html');
    expect(await recordArrival(deps, key)).toMatchObject({ kind: 'ignored', reason: 'mismatch' });
    expect(files(sim.store.events.get(c.id))).toEqual([]);
  });

  it('ignores an object that is no upload: a mail’s file, or a key that is not an attachment’s', async () => {
    const { deps } = setup();
    const c = await sellerCase(deps);
    for (const key of [`cases/${c.id}/01JD0000000000000000000099/x.png`, 'inbound/abc', 'cases/x'])
      expect(await recordArrival(deps, key), key).toMatchObject({ kind: 'ignored', reason: 'not-an-upload' });
  });

  it('is still recorded on a case that closed since the URL was handed out: nothing is lost', async () => {
    const { sim, deps, blobs } = setup();
    const c = await sellerCase(deps);
    const url = await requestAttachmentUpload(deps, dana, c.id, png);
    await changeStatus(deps, dana, c.id, { status: 'closed' });
    await blobs.arrive(keyOf(url.uploadUrl), bytes, 'image/png');
    expect((await recordArrival(deps, keyOf(url.uploadUrl))).kind).toBe('recorded');
    expect((await sim.store.get(c.id))?.status).toBe('closed');
    expect(files(sim.store.events.get(c.id))).toHaveLength(1);
  });
});

describe('fetching a file', () => {
  async function withFiles() {
    const ctx = setup();
    const c = await sellerCase(ctx.deps);
    const arrived = async (who: Actor, internal?: boolean) => {
      const url = await requestAttachmentUpload(ctx.deps, who, c.id, { ...png, internal });
      await ctx.blobs.arrive(keyOf(url.uploadUrl), bytes, 'image/png');
      await recordArrival(ctx.deps, keyOf(url.uploadUrl));
      return url.attachmentId;
    };
    return { ...ctx, c, publicFile: await arrived(dana), internalFile: await arrived(agent, true) };
  }

  it('answers a short-lived URL that downloads it under its name and type', async () => {
    const { deps, c, publicFile } = await withFiles();
    const download = await attachmentDownload(deps, dana, c.id, publicFile);
    expect(download).toEqual({
      attachmentId: publicFile,
      ...png,
      url: expect.stringMatching(/^memory:\/\/get\/cases\/.*\?name=shot.png&type=image%2Fpng$/),
      expiresAt: '2026-12-01T17:15:00.000Z',
    });
  });

  it('lets staff fetch every file, the requester only the public ones', async () => {
    const { deps, c, publicFile, internalFile } = await withFiles();
    for (const id of [publicFile, internalFile])
      expect((await attachmentDownload(deps, agent, c.id, id)).attachmentId).toBe(id);
    await expect(attachmentDownload(deps, dana, c.id, internalFile)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('is the same 404 for a case the caller may not see, a file that never was, and one not arrived yet', async () => {
    const { deps, c, publicFile } = await withFiles();
    await expect(attachmentDownload(deps, sam, c.id, publicFile)).rejects.toBeInstanceOf(NotFoundError);
    await expect(attachmentDownload(deps, agent, c.id, '01JD0000000000000000000099')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const pending = await requestAttachmentUpload(deps, dana, c.id, png);
    await expect(attachmentDownload(deps, agent, c.id, pending.attachmentId)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
