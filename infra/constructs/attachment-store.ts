import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  ObjectOwnership,
  StorageClass,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface AttachmentStoreProps {
  /** Browser origins allowed to PUT/GET through presigned URLs. */
  readonly allowedOrigins: string[];
}

/**
 * Versions a replaced or deleted object stays restorable, in a bucket where nothing expires on its own.
 * Where lifecycle enforces a retention period, noncurrent versions go one day after it instead.
 */
export const NONCURRENT_VERSION_DAYS = 30;

/**
 * Case attachments, uploaded and downloaded by browsers through presigned URLs (the URL is the
 * credential), plus the bucket their server access logs go to. Stateful: both are retained.
 */
export class AttachmentStore extends Construct {
  public readonly bucket: Bucket;
  public readonly accessLogsBucket: Bucket;

  public constructor(scope: Construct, id: string, props: AttachmentStoreProps) {
    super(scope, id);

    this.accessLogsBucket = new Bucket(this, 'AccessLogs', {
      // S3 server access logging only delivers to SSE-S3 buckets. cdk-nag's S1 exempts a log destination.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      // A log deleted by hand stays restorable until the lifecycle would have removed it anyway.
      versioned: true,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: Duration.days(365) },
        // Expiry only leaves a delete marker in a versioned bucket: remove the old version a day later,
        // so logs (which hold requester IPs) are not kept past their year, and then the marker.
        {
          id: 'remove-expired-versions',
          noncurrentVersionExpiration: Duration.days(1),
          expiredObjectDeleteMarker: true,
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      // A presigned upload URL can be used again until it expires: an attachment it overwrites (or one
      // deleted by hand) stays restorable for a while.
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'attachments/',
      cors: [
        {
          allowedMethods: [HttpMethods.PUT, HttpMethods.GET, HttpMethods.HEAD],
          allowedOrigins: props.allowedOrigins,
          allowedHeaders: ['Content-Type', 'Content-Length', 'Content-MD5', 'x-amz-*'],
          exposedHeaders: ['ETag'],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [
        // Presigned uploads that never finish leave parts behind that are billed but invisible.
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // Attachments are read while a case is worked, rarely after it closes.
        {
          id: 'infrequent-access-after-90-days',
          transitions: [{ storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(90) }],
        },
        {
          id: 'expire-replaced-versions',
          noncurrentVersionExpiration: Duration.days(NONCURRENT_VERSION_DAYS),
          expiredObjectDeleteMarker: true,
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
