import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../../functions/attachment-arrived/app.ts';
import { objectCreatedEvent } from '../../../local/blob-store.ts';
import { lambdaContext } from '../../../local/gateway.ts';
import { createS3BlobStore } from '../../../shared/adapters/s3/s3-blob-store.ts';
import type { Actor } from '../../../shared/app/actor.ts';
import { requestAttachmentUpload } from '../../../shared/app/attachments.ts';
import { openCase } from '../../../shared/app/open-case.ts';
import { s3NotFound, s3SlowDown } from '../../support/s3-failures.ts';
import { TimerSim } from '../../support/timer-sim.ts';

const BUCKET = 'casewatch-attachments';
const dana: Actor = { kind: 'seller', email: 'dana@acme.example', sellerId: 'acme' };
const context = lambdaContext('attachment-arrived', 'test');

describe('the attachment-arrived function (S3 Object Created, through EventBridge)', () => {
  const client = new S3Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  const s3 = mockClient(client);
  beforeEach(() => s3.reset());

  async function setup() {
    const sim = new TimerSim('2026-12-01T17:00:00.000Z');
    const blobs = createS3BlobStore({ client, bucket: BUCKET, clock: sim.clock });
    const deps = { ...sim.appDeps, blobs };
    const { case: c } = await openCase(deps, dana, { type: 'seller', subject: 'Webhooks', description: 'x' });
    const upload = await requestAttachmentUpload(deps, dana, c.id, {
      fileName: 'Übersicht März.pdf',
      contentType: 'application/pdf',
      size: 2048,
    });
    const key = decodeURIComponent(new URL(upload.uploadUrl).pathname.slice(1));
    const handler = createHandler(deps);
    const files = () => (sim.store.events.get(c.id) ?? []).filter((e) => e.type === 'attachment.added');
    const event = (k = key) => objectCreatedEvent(k, 2048, sim.clock.now());
    return { sim, c, upload, key, handler, files, event };
  }

  it('records the upload’s file once S3 says it holds exactly that, under the upload’s own key', async () => {
    const { c, upload, key, handler, files, event } = await setup();
    s3.on(HeadObjectCommand).resolves({ ContentLength: 2048, ContentType: 'application/pdf' });
    expect(await handler(event(), context)).toEqual({
      kind: 'recorded',
      caseId: c.id,
      attachmentId: upload.attachmentId,
    });
    expect(s3.commandCalls(HeadObjectCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: BUCKET, Key: key },
    ]);
    expect(files()).toEqual([
      expect.objectContaining({ fileName: 'Übersicht März.pdf', actor: { role: 'seller', id: dana.email } }),
    ]);
  });

  it('records it once when S3 escapes the key in its event, and however often the event is delivered', async () => {
    const { key, handler, files, event } = await setup();
    s3.on(HeadObjectCommand).resolves({ ContentLength: 2048, ContentType: 'application/pdf' });
    const escaped = key.replace(/%/g, '%25');
    const kinds = [];
    for (const k of [key, escaped, key]) kinds.push((await handler(event(k), context)).kind);
    expect(kinds).toEqual(['recorded', 'duplicate', 'duplicate']);
    expect(files()).toHaveLength(1);
  });

  it('leaves an object that is not the file announced, or is gone again, unrecorded', async () => {
    const { handler, files, event } = await setup();
    s3.on(HeadObjectCommand).resolvesOnce({ ContentLength: 9, ContentType: 'application/pdf' });
    expect(await handler(event(), context)).toMatchObject({ kind: 'ignored', reason: 'mismatch' });
    s3.on(HeadObjectCommand).rejects(s3NotFound());
    expect(await handler(event(), context)).toMatchObject({ kind: 'ignored', reason: 'missing' });
    expect(files()).toEqual([]);
  });

  it('ignores a mail’s file (no upload) without asking S3', async () => {
    const { c, handler, event } = await setup();
    const mailFile = `cases/${c.id}/01JD0000000000000000000099/shot.png`;
    expect(await handler(event(mailFile), context)).toMatchObject({
      kind: 'ignored',
      reason: 'not-an-upload',
    });
    expect(s3.calls()).toHaveLength(0);
  });

  it('fails, to be retried and then dead-lettered, when S3 fails or the event is not one it knows', async () => {
    const { handler, files, event } = await setup();
    s3.on(HeadObjectCommand).rejects(s3SlowDown());
    await expect(handler(event(), context)).rejects.toThrow(/reduce your request rate/);
    await expect(handler({ ...event(), 'detail-type': 'Object Deleted' } as never, context)).rejects.toThrow(
      /not an S3 Object Created event/,
    );
    expect(files()).toEqual([]);
  });
});
