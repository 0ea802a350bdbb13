import { S3Client } from '@aws-sdk/client-s3';
import { createS3BlobStore } from '../../shared/adapters/s3/s3-blob-store.ts';
import { awsCoreDeps, env } from '../aws-composition.ts';
import { createHandler } from './app.ts';

const core = awsCoreDeps();

/** Lambda entry for S3's Object Created events (through EventBridge): uploads' files onto their cases. */
export const handler = createHandler({
  ...core,
  blobs: createS3BlobStore({
    client: new S3Client({}),
    bucket: env('ATTACHMENTS_BUCKET'),
    clock: core.clock,
  }),
});
