import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '../../shared/adapters/dynamodb/case-items.ts';
import type { Case } from '../../shared/domain/case.ts';
import { epochOf, type Instant } from '../../shared/domain/instant.ts';
import type { TimelineEvent } from '../../shared/domain/timeline.ts';
import {
  AlreadyAppliedError,
  type AttachmentRecord,
  type CaseStore,
  type PendingUpload,
} from '../../shared/ports/case-store.ts';
import { at, buildCase, event, opened, type TestTable, ulid, useTestTable } from './support/store.ts';

let t: TestTable;
let store: CaseStore;

useTestTable('attachments', (table) => {
  t = table;
  store = t.store;
});

async function stored(): Promise<Case> {
  const c = buildCase();
  expect(await store.create(c, [opened(c)])).toBe(true);
  return c;
}

function record(c: Case, overrides: Partial<AttachmentRecord> = {}): AttachmentRecord {
  const attachmentId = ulid();
  return {
    caseId: c.id,
    attachmentId,
    fileName: 'Übersicht März.pdf',
    contentType: 'application/pdf',
    size: 2048,
    visibility: 'public',
    blobKey: `cases/${c.id}/${attachmentId}/%C3%9Cbersicht%20M%C3%A4rz.pdf`,
    ...overrides,
  };
}

function upload(c: Case, expiresAt: Instant = at(15)): PendingUpload {
  return { ...record(c), uploadedBy: { role: 'seller', id: 'dana@acme.example' }, expiresAt };
}

const added = (c: Case, r: AttachmentRecord): TimelineEvent =>
  event(c, {
    type: 'attachment.added',
    attachmentId: r.attachmentId,
    fileName: r.fileName,
    contentType: r.contentType,
    size: r.size,
    visibility: r.visibility,
  });

/** The case one version on, as a change would write it. */
const bumped = (c: Case): Case => ({ ...c, version: c.version + 1 });

describe('pending uploads', () => {
  it('are read back as recorded, and kept by TTL two days past their URL', async () => {
    const c = await stored();
    const u = upload(c);
    await store.recordUpload(u);
    expect(await store.getUpload(c.id, u.attachmentId)).toEqual(u);
    const raw = await t.doc.send(
      new GetCommand({ TableName: t.tableName, Key: keys.upload(c.id, u.attachmentId) }),
    );
    expect(raw.Item?.expiration).toBe(epochOf(u.expiresAt) / 1000 + 2 * 24 * 3600);
  });

  it('are kept once: the same attachment id again is refused', async () => {
    const c = await stored();
    const u = upload(c);
    await store.recordUpload(u);
    await expect(store.recordUpload({ ...u, fileName: 'other.pdf' })).rejects.toThrow(/already recorded/);
    expect((await store.getUpload(c.id, u.attachmentId))?.fileName).toBe(u.fileName);
  });

  it('are not file records, and neither is on the timeline', async () => {
    const c = await stored();
    const u = upload(c);
    await store.recordUpload(u);
    expect(await store.getAttachment(c.id, u.attachmentId)).toBeNull();
    expect((await store.listEvents(c.id, { limit: 10 })).items.map((e) => e.type)).toEqual(['case.opened']);
  });

  it('an unknown or implausible one is simply not there', async () => {
    const c = await stored();
    expect(await store.getUpload(c.id, ulid())).toBeNull();
    expect(await store.getUpload('x'.repeat(300), ulid())).toBeNull();
    expect(await store.getAttachment(c.id, 'y'.repeat(300))).toBeNull();
  });
});

describe('file records', () => {
  it('are written in the same transaction as the change that adds the file, and read with one GetItem', async () => {
    const c = await stored();
    const r = record(c, { visibility: 'internal' });
    expect(await store.update(bumped(c), c.version, [added(c, r)], { attachments: [r] })).toEqual({
      ok: true,
    });
    expect(await store.getAttachment(c.id, r.attachmentId)).toEqual(r);
  });

  it('are not written when the change loses its race', async () => {
    const c = await stored();
    const r = record(c);
    expect(await store.update(bumped(bumped(c)), c.version + 1, [added(c, r)], { attachments: [r] })).toEqual(
      {
        ok: false,
        reason: 'stale',
      },
    );
    expect(await store.getAttachment(c.id, r.attachmentId)).toBeNull();
  });

  it('are written once under a once-key: a repeated delivery adds neither a second event nor a second record', async () => {
    const c = await stored();
    const r = record(c);
    const onceKey = `attachment#${r.attachmentId}`;
    await store.update(bumped(c), c.version, [added(c, r)], { attachments: [r], onceKey });
    const again = bumped(bumped(c));
    await expect(
      store.update(again, c.version + 1, [added(c, r)], { attachments: [r], onceKey }),
    ).rejects.toBeInstanceOf(AlreadyAppliedError);
    expect((await store.get(c.id))?.version).toBe(c.version + 1);
    const files = (await store.listEvents(c.id, { limit: 10 })).items.filter(
      (e) => e.type === 'attachment.added',
    );
    expect(files).toHaveLength(1);
  });

  it('come with a new case too (a mail that opens a case with its files)', async () => {
    const c = buildCase();
    const files = [record(c), record(c, { fileName: 'attachment-2.png', contentType: 'image/png' })];
    expect(await store.create(c, [opened(c), ...files.map((f) => added(c, f))], { attachments: files })).toBe(
      true,
    );
    for (const f of files) expect(await store.getAttachment(c.id, f.attachmentId)).toEqual(f);
  });

  it('belong to the case written: a record of another case is refused before anything is written', async () => {
    const c = await stored();
    const other = buildCase();
    const r = record(other);
    await expect(store.update(bumped(c), c.version, [], { attachments: [r] })).rejects.toThrow(RangeError);
    expect((await store.get(c.id))?.version).toBe(c.version);
  });
});
