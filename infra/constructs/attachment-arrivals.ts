import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Match, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FIGURE_PARTITIONS } from '../../shared/adapters/dynamodb/case-items.ts';
import { ATTACHMENTS_PREFIX } from './attachment-store.ts';
import { CasewatchFunction, nagObjectsWildcard } from './casewatch-function.ts';
import { endOfLineQueue, notEmptyAlarm } from './dead-letters.ts';
import { grantEscalationAnswered, grantTableItems } from './grants.ts';

/**
 * What the arrival function calls on the table: reads the upload and the case, then writes the case, its
 * events, the file record and the once-marker in one transaction of conditional Puts, with `ADD`s on the
 * backlog counters and the leads' figures (UpdateItem) should a deadline it settles breach or close the
 * case. No Query, no Scan; the only delete is a waiting escalation's, answered by such a closing.
 */
export const ARRIVAL_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;
/**
 * The partitions those calls touch (`case-items.ts`): a case's (case, events, upload, file record), the
 * once-markers, the backlog counters, and the figures a settled deadline moves (first responses, agents'
 * loads, waiting escalations). Nothing else in the table: not the ledgers, not idempotency records.
 */
export const ARRIVAL_TABLE_KEYS = [
  'CASE#*',
  'ONCE#*',
  'BACKLOG',
  FIGURE_PARTITIONS.firstResponses,
  FIGURE_PARTITIONS.agents,
  FIGURE_PARTITIONS.escalations,
] as const;

/**
 * How long EventBridge keeps trying to hand an arrival to the function: a day, its own default, said here
 * because an upload is kept two days past its URL (the case store's `UPLOAD_KEEP_SECONDS`) so that the
 * last retry still finds it.
 */
export const ARRIVAL_MAX_EVENT_AGE = Duration.hours(24);

export interface AttachmentArrivalsProps {
  readonly table: ITable;
  /** The attachments bucket; it sends its events to EventBridge (`AttachmentStore`). */
  readonly bucket: IBucket;
}

/**
 * An upload's file arriving (docs/cases.md#attachments): S3's Object Created events of the attachments
 * bucket under `cases/`, through EventBridge, invoke the arrival function, which records the file on its
 * case. EventBridge rather than the bucket's own Lambda notification: that one makes the bucket depend on
 * the function and its invoke permission on the bucket, a cycle CDK breaks only with a custom-resource
 * Lambda outside `CasewatchFunction`. Both EventBridge's failed deliveries and the function's failed
 * asynchronous invocations land in one dead-letter queue, which alarms. Stateless.
 */
export class AttachmentArrivals extends Construct {
  public readonly arrivalFunction: CasewatchFunction;
  public readonly rule: Rule;
  /** Arrivals given up on: the file is in the bucket but not on its case. */
  public readonly deadLetterQueue: Queue;
  /** Alarms without actions; the observability construct adds its topic to each. */
  public readonly alarms: Alarm[] = [];

  public constructor(scope: Construct, id: string, props: AttachmentArrivalsProps) {
    super(scope, id);
    this.deadLetterQueue = endOfLineQueue(
      this,
      'DeadLetterQueue',
      'The dead-letter queue of attachment arrivals (EventBridge delivers them to the function asynchronously): the end of the line, alarmed when not empty; each message is the S3 event of a file that is in the bucket and whose upload is kept two days, to replay.',
    );

    this.arrivalFunction = new CasewatchFunction(this, 'Arrived', {
      entry: 'functions/attachment-arrived/handler.ts',
      description: 'casewatch attachments: records an uploaded file on its case once S3 holds it',
      deadLetterQueue: this.deadLetterQueue,
      environment: {
        TABLE_NAME: props.table.tableName,
        ATTACHMENTS_BUCKET: props.bucket.bucketName,
      },
    });
    grantTableItems(this.arrivalFunction, props.table, ARRIVAL_TABLE_ACTIONS, ARRIVAL_TABLE_KEYS);
    grantEscalationAnswered(this.arrivalFunction, props.table);
    // HeadObject (authorized as GetObject) of what arrived: its size and type, never its bytes.
    this.arrivalFunction.addWildcardPolicy(
      'UploadedObjects',
      [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['s3:GetObject'],
          resources: [props.bucket.arnForObjects(`${ATTACHMENTS_PREFIX}*`)],
        }),
      ],
      [
        {
          resource: nagObjectsWildcard(props.bucket, ATTACHMENTS_PREFIX),
          reason:
            'HeadObject of uploaded attachments under cases/, keyed by case and attachment id, which exist only at run time: one prefix, one action (HeadObject is authorized as GetObject), the key read from S3’s own event.',
        },
      ],
    );

    this.rule = new Rule(this, 'ObjectCreated', {
      description: 'casewatch attachments: an object was created under cases/ in the attachments bucket',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [props.bucket.bucketName] },
          object: { key: Match.prefix(ATTACHMENTS_PREFIX) },
        },
      },
      targets: [
        new LambdaFunction(this.arrivalFunction, {
          deadLetterQueue: this.deadLetterQueue,
          maxEventAge: ARRIVAL_MAX_EVENT_AGE,
        }),
      ],
    });

    this.alarms.push(
      notEmptyAlarm(
        this,
        'DeadLetterAlarm',
        this.deadLetterQueue.metricApproximateNumberOfMessagesVisible(),
        'casewatch attachments: an uploaded file could not be recorded on its case and is parked in the arrivals dead-letter queue. The file is in the attachments bucket; its upload is kept two days: fix and replay the event, or it will not be downloadable.',
      ),
    );
  }
}
