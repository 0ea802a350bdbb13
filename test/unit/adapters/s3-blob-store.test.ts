import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createS3BlobStore } from '../../../shared/adapters/s3/s3-blob-store.ts';

const clock = { now: () => new Date('2026-11-30T17:00:00Z') };

describe('S3 blob store', () => {
  const client = new S3Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  // Presigning is local computation: the mock proves no request ever reaches S3.
  const s3 = mockClient(client);
  const store = createS3BlobStore({ client, bucket: 'casewatch-attachments', clock });

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

  it('presigns a GET for downloads', async () => {
    const { url } = await store.presignDownload('cases/01JD/01JE/file.txt');
    expect(new URL(url).searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(s3.calls()).toHaveLength(0);
  });
});
