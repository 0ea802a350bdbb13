import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, S3ObjectCreatedNotificationEvent } from 'aws-lambda';
import * as z from 'zod';
import { logger } from '../../shared/adapters/powertools/observability.ts';
import { type ArrivalOutcome, recordArrival } from '../../shared/app/attachments.ts';
import type { CoreDeps } from '../../shared/app/deps.ts';
import type { BlobStore } from '../../shared/ports/blob-store.ts';

export type ArrivalDeps = CoreDeps & { blobs: BlobStore };

/** What the handler reads of S3's EventBridge event: that an object was created, and its key. */
const ObjectCreatedSchema = z.object({
  source: z.literal('aws.s3'),
  'detail-type': z.literal('Object Created'),
  detail: z.object({ object: z.object({ key: z.string().min(1) }) }),
});

/**
 * S3's "Object Created" events of the attachments bucket, under `cases/` (docs/cases.md#attachments): each
 * is one object, which `recordArrival` records if it is the file of an upload. Only the key's case and
 * attachment ids (ULIDs, spelled the same whether or not S3 escapes the key) are read from it; what is
 * checked in the store is the upload's own key. An object that is no upload's (a mail's file) or not the
 * file announced is logged and left; a failure (store, S3) fails the invocation, to be retried and then
 * dead-lettered.
 */
export function createHandler(deps: ArrivalDeps) {
  async function handle(event: S3ObjectCreatedNotificationEvent, _context: Context): Promise<ArrivalOutcome> {
    const parsed = ObjectCreatedSchema.safeParse(event);
    if (!parsed.success) throw new Error(`not an S3 Object Created event: ${parsed.error.message}`);
    const outcome = await recordArrival(deps, parsed.data.detail.object.key);
    if (outcome.kind === 'ignored' && outcome.reason !== 'not-an-upload')
      logger.warn('an uploaded object was not recorded', { outcome });
    else logger.info('object arrived', { outcome });
    return outcome;
  }
  return middy(handle).use(injectLambdaContext(logger));
}
