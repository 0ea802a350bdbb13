import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createS3BlobStore } from '../../../shared/adapters/s3/s3-blob-store.ts';
import { s3NotFound, s3SlowDown } from '../../support/s3-failures.ts';

const clock = { now: () => new Date('2026-11-30T17:00:00Z') };

describe('S3 blob store', () => {
  const client = new S3Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  // Presigning is local computation: the mock proves no request ever reaches S3.
  const s3 = mockClient(client);
  const store = createS3BlobStore({ client, bucket: 'casewatch-attachments', clock });
  beforeEach(() => s3.reset());

  it('presigns a PUT bound to the key, content type and size, valid 15 minutes', async () => {
    const { url, expiresAt } = await store.presignUpload('cases/01JD/01JE/shot%20one.png', 'image/png', 1234);
    const u = new URL(url);
    expect(u.hostname).toBe('casewatch-attachments.s3.us-east-1.amazonaws.com');
    expect(u.pathname).toBe('/cases/01JD/01JE/shot%2520one.png');
    expect(u.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(u.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(
      expect.arrayContaining(['content-length', 'content-type', 'host']),
    );
    expect(expiresAt.toISOString()).toBe('2026-11-30T17:15:00.000Z');
    expect(s3.calls()).toHaveLength(0);
  });

  it('presigns a GET, valid 15 minutes, that S3 answers as a download of the file under its name and type', async () => {
    const { url, expiresAt } = await store.presignDownload('cases/01JD/01JE/%C3%9Cbersicht.pdf', {
      fileName: 'Übersicht "März".pdf',
      contentType: 'application/pdf',
    });
    const u = new URL(url);
    expect(u.pathname).toBe('/cases/01JD/01JE/%25C3%259Cbersicht.pdf');
    expect(u.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(u.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(u.searchParams.get('response-content-type')).toBe('application/pdf');
    expect(u.searchParams.get('response-content-disposition')).toBe(
      `attachment; filename="Ubersicht _Marz_.pdf"; filename*=UTF-8''%C3%9Cbersicht%20%22M%C3%A4rz%22.pdf`,
    );
    expect(expiresAt.toISOString()).toBe('2026-11-30T17:15:00.000Z');
    expect(s3.calls()).toHaveLength(0);
  });

  it('describes an object from its HEAD, and nothing when there is none', async () => {
    s3.on(HeadObjectCommand, { Bucket: 'casewatch-attachments', Key: 'cases/a/b/c.png' }).resolves({
      ContentLength: 1234,
      ContentType: 'image/png',
    });
    s3.on(HeadObjectCommand, { Key: 'cases/a/b/gone.png' }).rejects(s3NotFound());
    expect(await store.describe('cases/a/b/c.png')).toEqual({ size: 1234, contentType: 'image/png' });
    expect(await store.describe('cases/a/b/gone.png')).toBeNull();
  });

  it('lets any other failure of the HEAD through, so the delivery is retried', async () => {
    s3.on(HeadObjectCommand).rejects(s3SlowDown());
    await expect(store.describe('cases/a/b/c.png')).rejects.toThrow(/reduce your request rate/);
  });
});
