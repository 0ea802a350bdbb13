import { NotFound, S3ServiceException } from '@aws-sdk/client-s3';

/** What S3 answers a HEAD of a key it does not hold: a bare 404. */
export const s3NotFound = () => new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } });

/** A failure worth retrying: S3 asking the caller to slow down (503). */
export const s3SlowDown = () =>
  new S3ServiceException({
    name: 'SlowDown',
    $fault: 'server',
    message: 'Please reduce your request rate.',
    $metadata: { httpStatusCode: 503 },
  });
