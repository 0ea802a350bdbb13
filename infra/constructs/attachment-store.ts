import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
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
 * Where every attachment is kept, uploads and inbound mail's alike: `cases/<case id>/<attachment id>/<name>`
 * (`attachmentKey`). Grants on the bucket's objects stop at this prefix.
 */
export const ATTACHMENTS_PREFIX = 'cases/';

/**
 * Versions a replaced or deleted object stays restorable, in a bucket where nothing expires on its own.
 * Where lifecycle enforces a retention period, noncurrent versions go one day after it instead.
 */
export const NONCURRENT_VERSION_DAYS = 30;

/**
 * Case attachments, uploaded and downloaded by browsers through presigned URLs (the URL is the
 * credential), plus the bucket their server access logs go to. The attachments bucket tells EventBridge
 * of every object created in it, which is how an upload's file is known to have arrived. Stateful: both
 * are retained.
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
    Validations.of(this.accessLogsBucket).acknowledge(
      {
        id: 'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check',
        reason:
          'S3 server access logging delivers only to buckets encrypted with SSE-S3 (AES-256), which this one is; SSE-KMS would stop the logs arriving.',
      },
      {
        id: 'cdk-validator-cfnguard::s3_bucket_logging_enabled_check',
        reason:
          'This is the server access log destination of the attachment and inbound-mail buckets; logging it to itself would log its own log deliveries without end, and to another bucket would only move the finding there.',
      },
      {
        id: 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
        reason:
          'Access logs expire after a year (they hold requester IPs, personal data) and nothing but S3 logging writes them; versioning already keeps a log deleted by hand restorable. Object Lock retention would be a compliance regime casewatch has no requirement for, and cannot be undone.',
      },
      {
        id: 'cdk-validator-cfnguard::s3_event_notifications_enabled_check',
        reason:
          'Nothing reacts to a log object being written: the logs are read when investigating. A notification configuration without a consumer would only be noise.',
      },
    );

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
    Validations.of(this.bucket).acknowledge(
      {
        id: 'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check',
        reason:
          'Every attachment is encrypted at rest with SSE-S3 (AES-256). SSE-KMS would make each presigned upload and download, and each inbound attachment written, a KMS request needing its own key grant, for key-level control casewatch does not use; the case table holds the same personal data under the AWS-managed key for the same reason.',
      },
      {
        id: 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
        reason:
          'Attachments are customers’ personal data that casewatch must be able to erase on request; Object Lock (write once, read many) exists to forbid exactly that. Versioning already keeps an overwritten or deleted attachment restorable for 30 days.',
      },
    );
    // Every object event goes to EventBridge, where `AttachmentArrivals` picks the uploads' out. Set on the
    // bucket resource itself: the L2 `eventBridgeEnabled` would apply it through a custom-resource Lambda.
    (this.bucket.node.defaultChild as CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
  }
}
