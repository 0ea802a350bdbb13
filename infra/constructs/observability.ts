import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AnyPrincipal, Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { createAlarms, type ObservedQueue } from './alarms.ts';
import { CasewatchDashboard } from './dashboard.ts';

/** What is watched, and who is told: the casewatch resources the alarms and the dashboard cover. */
export interface ObservabilityProps {
  readonly httpApi: IHttpApi;
  /** Every casewatch function: graphed for errors and throttles, each alarmed on its error rate. */
  readonly functions: readonly IFunction[];
  /**
   * The function the table's stream feeds (an event source mapping with partial batch responses): graphed
   * and alarmed on its iterator age. A record it reports as failed is retried without counting as an
   * invocation error, so its error-rate alarm never sees a stuck stream; the lag does.
   */
  readonly streamFunction: IFunction;
  /**
   * Graphed, and each alarmed when it holds a message, unless its owner already alarms on its depth (an
   * alarm among `alarms`, whose description says what to do with that queue's messages).
   */
  readonly deadLetterQueues: readonly ObservedQueue[];
  /** Alarms other constructs raise (e.g. the timers' and mail's); they notify the topic too. */
  readonly alarms?: readonly Alarm[];
  /** Who is told when an alarm goes off: one email subscription each (the recipient confirms it). */
  readonly alarmEmails?: readonly string[];
  /** @default 'casewatch' */
  readonly dashboardName?: string;
}

/**
 * What support leads and operators watch (issue #6): the alarms (alarms.ts) and the dashboard
 * (dashboard.ts), wired to one SNS topic every alarm notifies: level 0–1 breaches, any dead-lettered
 * message, a function's error rate, the stream lag, any API 5xx, and the alarms other constructs hand in.
 * Stateless.
 */
export class Observability extends Construct {
  public readonly dashboard: CasewatchDashboard;
  public readonly alarmTopic: Topic;
  /** A customer-managed key: CloudWatch alarms cannot publish to a topic under the AWS-managed SNS key. */
  public readonly alarmTopicKey: Key;
  /** Level 0 and 1 first-response and next-update breaches. */
  public readonly breachAlarms: Alarm[];
  /** One per watched queue its owner does not alarm on. */
  public readonly deadLetterAlarms: Alarm[];
  /** One per function. */
  public readonly errorRateAlarms: Alarm[];
  /** The stream function falling behind the stream (retrying records, or not keeping up). */
  public readonly streamLagAlarm: Alarm;
  public readonly serverErrorAlarm: Alarm;
  /** Every alarm that notifies the topic: those made here and those handed in. */
  public readonly notifiedAlarms: readonly Alarm[];

  public constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.alarmTopicKey = this.createTopicKey();
    this.alarmTopic = this.createTopic(this.alarmTopicKey);
    for (const address of props.alarmEmails ?? []) {
      const subscription = this.alarmTopic.addSubscription(new EmailSubscription(address));
      Validations.of(subscription).acknowledge({
        id: 'Serverless::Serverless-SNSRedrivePolicy',
        reason:
          'An alarm email that SNS still cannot deliver after its retries has nowhere better to go: a dead-letter queue would need an alarm, which would notify this same topic. The alarm state and history stay in CloudWatch (and on the dashboard alarm widget), so only the email is lost.',
      });
    }

    const ownerAlarms = props.alarms ?? [];
    const alarms = createAlarms(this, { ...props, ownerAlarms });
    this.breachAlarms = alarms.breach;
    this.deadLetterAlarms = alarms.deadLetter;
    this.errorRateAlarms = alarms.errorRate;
    this.streamLagAlarm = alarms.streamLag;
    this.serverErrorAlarm = alarms.serverError;

    // A Set: the same alarm handed in twice still gets the action once.
    this.notifiedAlarms = [
      ...new Set([
        ...this.breachAlarms,
        ...this.deadLetterAlarms,
        ...this.errorRateAlarms,
        this.streamLagAlarm,
        this.serverErrorAlarm,
        ...ownerAlarms,
      ]),
    ];
    const notify = new SnsAction(this.alarmTopic);
    for (const alarm of this.notifiedAlarms) alarm.addAlarmAction(notify);

    this.dashboard = new CasewatchDashboard(this, 'Dashboard', {
      ...props,
      alarms: this.notifiedAlarms,
    });
  }

  private createTopicKey(): Key {
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'casewatch: encrypts the alarm topic, which CloudWatch alarms publish to',
      enableKeyRotation: true,
      // It only protects notifications in flight: nothing stays encrypted under it.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    // Nothing here uses grants (CloudWatch and SNS call the key directly): no principal may hand out a
    // grant on it, except for an AWS service acting on an AWS resource (Control Tower CT.KMS.PR.3).
    key.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: {
          BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
        },
      }),
    );
    return key;
  }

  private createTopic(key: Key): Topic {
    const topic = new Topic(this, 'AlarmTopic', {
      displayName: 'casewatch alarms',
      masterKey: key,
      enforceSSL: true,
    });
    // The topic policy CDK writes replaces SNS's default one, so CloudWatch is let in explicitly, and only
    // for this account's alarms (confused-deputy guard).
    const stack = Stack.of(this);
    topic.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    return topic;
  }
}
