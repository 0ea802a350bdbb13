import { S3Client } from '@aws-sdk/client-s3';
import { createS3BlobStore } from '../../shared/adapters/s3/s3-blob-store.ts';
import { systemClock } from '../../shared/adapters/system-clock.ts';
import { awsApiDeps, env } from '../aws-composition.ts';
import { createHandler } from './app.ts';

/** Lambda entry: the shared handler wired to AWS once per container, plus S3 for attachment uploads. */
export const handler = createHandler({
  ...(await awsApiDeps()),
  blobs: createS3BlobStore({
    client: new S3Client({}),
    bucket: env('ATTACHMENTS_BUCKET'),
    clock: systemClock,
  }),
});
