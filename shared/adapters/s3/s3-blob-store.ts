import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { attachmentDisposition, type BlobStore } from '../../ports/blob-store.ts';
import type { Clock } from '../../ports/clock.ts';

/** Presigned URLs live this long: enough to upload a screenshot, short enough not to be shared around. */
const URL_SECONDS = 15 * 60;

/** HeadObject has no body to carry an error code: a missing key is a bare 404. */
function isMissing(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}

/** Attachments in S3: the client uploads straight to the bucket with a URL bound to type and size. */
export function createS3BlobStore({
  client,
  bucket,
  clock,
}: {
  client: S3Client;
  bucket: string;
  clock: Clock;
}): BlobStore {
  const expiry = () => new Date(clock.now().getTime() + URL_SECONDS * 1000);
  return {
    async presignUpload(key, contentType, size) {
      const command = new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        ContentType: contentType,
        ContentLength: size,
      });
      // Signing the type and length means the client cannot upload something else under this URL.
      const url = await getSignedUrl(client, command, {
        expiresIn: URL_SECONDS,
        signableHeaders: new Set(['content-type', 'content-length']),
      });
      return { url, expiresAt: expiry() };
    },
    async presignDownload(key, file) {
      // S3 answers with these headers instead of the stored ones: the browser saves the file under its
      // name, whatever it would otherwise make of the type; both are part of the signed query.
      const command = new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ResponseContentType: file.contentType,
        ResponseContentDisposition: attachmentDisposition(file.fileName),
      });
      return { url: await getSignedUrl(client, command, { expiresIn: URL_SECONDS }), expiresAt: expiry() };
    },
    async put(key, content, contentType) {
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: content, ContentType: contentType }),
      );
    },
    async describe(key) {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return { size: head.ContentLength ?? 0, contentType: head.ContentType ?? '' };
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },
  };
}
