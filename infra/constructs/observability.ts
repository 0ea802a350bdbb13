import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  type IWidget,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CASE_TYPES, type Channel } from '../../shared/domain/case.ts';
import { SEVERITY_LABELS, SEVERITY_LEVELS, type SeverityLevel } from '../../shared/domain/severity.ts';
import { CASE_STATUSES } from '../../shared/domain/status.ts';
import { SURVEY_QUESTIONS } from '../../shared/domain/survey.ts';
import { SERVICE_NAME } from './casewatch-function.ts';

/** The EMF namespace shared/http/observability.ts publishes to. */
export const METRICS_NAMESPACE = 'casewatch';

/** The statuses the backlog counts (all but `closed`), as the `OpenCases` gauge names them. */
export const BACKLOG_STATUSES = CASE_STATUSES.filter((status) => status !== 'closed');
export const CHANNELS: readonly Channel[] = ['api', 'email'];
export const SURVEY_TOPICS = SURVEY_QUESTIONS.map((q) => q.topic);
/**
 * The levels whose breaches page someone (docs/service-levels.md#breach: level 0–1 breaches raise an alarm).
 */
export const PAGED_LEVELS: readonly SeverityLevel[] = [0, 1];
/** A function alarms when more than this share of its invocations (%) fail within five minutes. */
export const ERROR_RATE_THRESHOLD_PERCENT = 5;
/**
 * The stream function alarms when its oldest unprocessed record (`IteratorAge`, maximum) is older than
 * this for `STREAM_LAG_EVALUATION_MINUTES` consecutive minutes.
 */
export const STREAM_LAG_THRESHOLD = Duration.minutes(5);
export const STREAM_LAG_EVALUATION_MINUTES = 3;

/** A dead-letter queue (or on-failure destination): any message in it is work that was not done. */
export interface ObservedQueue {
  /** How the dashboard and the alarm name it. */
  readonly label: string;
  readonly queue: IQueue;
}

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
 * What support leads and operators watch (issue #6): one CloudWatch dashboard over the casewatch EMF
 * metrics (backlog, first-response compliance, breaches, response times, closures, escalations, surveys)
 * and the AWS ones (dead-letter queues, Lambda, API), and one SNS topic every alarm notifies: level 0–1
 * breaches, any dead-lettered message, a function's error rate, any API 5xx. Stateless.
 */
export class Observability extends Construct {
  public readonly dashboard: Dashboard;
  public readonly alarmTopic: Topic;
  /** A customer-managed key: CloudWatch alarms cannot publish to a topic under the AWS-managed SNS key. */
  public readonly alarmTopicKey: Key;
  /** Level 0 and 1 first-response and next-update breaches. */
  public readonly breachAlarms: Alarm[] = [];
  /** One per watched queue its owner does not alarm on. */
  public readonly deadLetterAlarms: Alarm[] = [];
  /** One per function. */
  public readonly errorRateAlarms: Alarm[] = [];
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

    for (const level of PAGED_LEVELS) {
      this.breachAlarms.push(
        this.breachAlarm('FirstResponseBreached', level, 'first response'),
        this.breachAlarm('NextUpdateBreached', level, 'next update'),
      );
    }
    for (const observed of props.deadLetterQueues) {
      if (!(props.alarms ?? []).some((alarm) => watchesDepthOf(alarm, observed.queue))) {
        this.deadLetterAlarms.push(this.deadLetterAlarm(observed));
      }
    }
    for (const fn of props.functions) this.errorRateAlarms.push(this.errorRateAlarm(fn));
    this.streamLagAlarm = this.streamLagAlarmOf(props.streamFunction);
    this.serverErrorAlarm = new Alarm(this, 'ApiServerErrorAlarm', {
      alarmDescription:
        'casewatch API: requests ended in a 5xx. Bad input is always a 4xx (docs/api.md#errors), so a 5xx is a fault: see the API access log and the function logs.',
      metric: props.httpApi.metricServerError({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // A Set: the same alarm handed in twice still gets the action once.
    this.notifiedAlarms = [
      ...new Set([
        ...this.breachAlarms,
        ...this.deadLetterAlarms,
        ...this.errorRateAlarms,
        this.streamLagAlarm,
        this.serverErrorAlarm,
        ...(props.alarms ?? []),
      ]),
    ];
    const notify = new SnsAction(this.alarmTopic);
    for (const alarm of this.notifiedAlarms) alarm.addAlarmAction(notify);

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName ?? 'casewatch',
      defaultInterval: Duration.days(7),
    });
    for (const row of [...this.caseRows(), ...this.operationsRows(props)]) this.dashboard.addWidgets(...row);
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

  /** Any breach of a paged level, within the minute it is recorded. */
  private breachAlarm(metricName: string, level: SeverityLevel, what: string): Alarm {
    return new Alarm(this, `${metricName}Level${level}Alarm`, {
      alarmDescription: `casewatch SLA: a level ${level} (${SEVERITY_LABELS[level]}) case missed its ${what} deadline. The assignee and the leads were mailed; the case timeline has the breach.`,
      metric: caseMetric(metricName, { severity: String(level) }, 'Sum', Duration.minutes(1)),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // No data is the normal case: nothing was breached.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  private deadLetterAlarm({ label, queue }: ObservedQueue): Alarm {
    return new Alarm(this, `${alarmId(label)}NotEmptyAlarm`, {
      alarmDescription: `casewatch: ${label} holds a message, i.e. work that was given up on. Inspect it, fix the cause, redrive it.`,
      metric: queue.metricApproximateNumberOfMessagesVisible({
        statistic: 'Maximum',
        period: Duration.minutes(1),
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /** Errors as a share of invocations, so a busy function is not paged for one transient failure. */
  private errorRateAlarm(fn: IFunction): Alarm {
    const period = Duration.minutes(5);
    return new Alarm(this, `${fn.node.id}ErrorRateAlarm`, {
      alarmDescription: `casewatch ${fn.node.id}: more than ${ERROR_RATE_THRESHOLD_PERCENT}% of invocations failed over five minutes. See the function's log group and traces.`,
      metric: new MathExpression({
        expression: '100 * errors / invocations',
        usingMetrics: {
          errors: fn.metricErrors({ statistic: 'Sum', period }),
          invocations: fn.metricInvocations({ statistic: 'Sum', period }),
        },
        label: `${fn.node.id} error rate (%)`,
        period,
      }),
      threshold: ERROR_RATE_THRESHOLD_PERCENT,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No invocations, no rate: nothing failed.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * The stream function's records waiting longer than the threshold, minute after minute. Partial batch
   * failures are retried (up to the mapping's retry limit) while the shard waits behind them, and they
   * are not Lambda `Errors`: this is the alarm that notices.
   */
  private streamLagAlarmOf(fn: IFunction): Alarm {
    const threshold = STREAM_LAG_THRESHOLD.toMinutes();
    return new Alarm(this, 'StreamLagAlarm', {
      alarmDescription: `casewatch ${fn.node.id}: the table stream's oldest unprocessed record has been over ${threshold} minutes old (IteratorAge, maximum) for ${STREAM_LAG_EVALUATION_MINUTES} minutes in a row. Records are being retried (a failing record holds up its shard until it succeeds or its retries run out) or the function cannot keep up, so SLA notices, timers and metrics are delayed. See the stream function's log group (its errors and reported batch item failures) and the stream's on-failure queue (records given up on, to replay).`,
      metric: streamLag(fn, Duration.minutes(1)),
      threshold: STREAM_LAG_THRESHOLD.toMilliseconds(),
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: STREAM_LAG_EVALUATION_MINUTES,
      datapointsToAlarm: STREAM_LAG_EVALUATION_MINUTES,
      // No records, no age: the stream is idle, not behind.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /** The support view, over the casewatch EMF metrics. */
  private caseRows(): IWidget[][] {
    const hour = Duration.hours(1);
    const day = Duration.days(1);
    const bySeverity = (metricName: string, statistic = 'Sum', period = hour) =>
      SEVERITY_LEVELS.map((level) =>
        caseMetric(metricName, { severity: String(level) }, statistic, period, levelLabel(level)),
      );

    return [
      [
        new TextWidget({
          width: 24,
          height: 4,
          markdown: [
            '# casewatch',
            `Case metrics are EMF in namespace \`${METRICS_NAMESPACE}\`, each point with dimension \`service=${SERVICE_NAME}\`; levels are L0 (Highest) to L3 (Low).`,
            '',
            '- **Backlog**: the `OpenCases` count per status × level, published when it changes. A line holds its last value (`FILL(…, REPEAT)`), so it starts at its first change within the range.',
            '- **First-response compliance** = met ÷ (met + breached) × 100, over the first responses that fell due in the last 24 h or 7 d (fixed, whatever the dashboard range); no value means none fell due.',
            `- **Alarms** (to the casewatch alarm topic): any L0/L1 first-response or next-update breach, any message in a dead-letter queue, a function failing more than ${ERROR_RATE_THRESHOLD_PERCENT}% of its invocations over 5 min, the stream function more than ${STREAM_LAG_THRESHOLD.toMinutes()} min behind the stream for ${STREAM_LAG_EVALUATION_MINUTES} min, any API 5xx.`,
          ].join('\n'),
        }),
      ],
      [
        new GraphWidget({
          title: 'Backlog by status',
          width: 12,
          stacked: true,
          left: BACKLOG_STATUSES.map((status) =>
            sumOf(
              SEVERITY_LEVELS.map((level) => held(openCases(status, level))),
              status,
              hour,
            ),
          ),
          leftYAxis: { min: 0, showUnits: false },
        }),
        new GraphWidget({
          title: 'Backlog by severity',
          width: 12,
          stacked: true,
          left: SEVERITY_LEVELS.map((level) =>
            sumOf(
              BACKLOG_STATUSES.map((status) => held(openCases(status, level))),
              levelLabel(level),
              hour,
            ),
          ),
          leftYAxis: { min: 0, showUnits: false },
        }),
      ],
      [
        new SingleValueWidget({
          title: 'Backlog now, by status × severity',
          width: 24,
          height: 6,
          metrics: BACKLOG_STATUSES.flatMap((status) =>
            SEVERITY_LEVELS.map((level) => held(openCases(status, level), `${status} · L${level}`)),
          ),
        }),
      ],
      [
        complianceWidget('First-response compliance %, last 24 h', '-PT24H'),
        complianceWidget('First-response compliance %, last 7 d', '-P7D'),
      ],
      [
        new GraphWidget({
          title: 'First-response breaches (per hour)',
          width: 8,
          left: bySeverity('FirstResponseBreached'),
          leftYAxis: { min: 0, showUnits: false },
        }),
        new GraphWidget({
          title: 'Next-update breaches (per hour)',
          width: 8,
          left: bySeverity('NextUpdateBreached'),
          leftYAxis: { min: 0, showUnits: false },
        }),
        new GraphWidget({
          title: 'At risk: 75% of a window gone (per hour)',
          width: 8,
          left: bySeverity('SlaAtRisk'),
          leftYAxis: { min: 0, showUnits: false },
        }),
      ],
      [
        new GraphWidget({
          title: 'Time to first response, p50 / p90 (minutes, daily)',
          width: 12,
          left: SEVERITY_LEVELS.flatMap((level) =>
            ['p50', 'p90'].map((statistic) =>
              caseMetric(
                'TimeToFirstResponse',
                { severity: String(level) },
                statistic,
                day,
                `${levelLabel(level)} ${statistic}`,
              ),
            ),
          ),
          leftYAxis: { min: 0, showUnits: false, label: 'minutes' },
        }),
        new GraphWidget({
          title: 'Cases opened (per hour)',
          width: 12,
          stacked: true,
          left: SEVERITY_LEVELS.map((level) =>
            sumOf(
              CASE_TYPES.flatMap((type) =>
                CHANNELS.map((channel) =>
                  caseMetric('CaseOpened', { severity: String(level), type, channel }, 'Sum', hour),
                ),
              ),
              levelLabel(level),
              hour,
            ),
          ),
          leftYAxis: { min: 0, showUnits: false },
        }),
      ],
      [
        new GraphWidget({
          title: 'Auto-closed cases (per day)',
          width: 8,
          left: [caseMetric('CaseAutoClosed', {}, 'Sum', day, 'auto-closed')],
          leftYAxis: { min: 0, showUnits: false },
        }),
        new GraphWidget({
          title: 'Escalations requested (per day)',
          width: 8,
          left: bySeverity('EscalationRequested', 'Sum', day),
          leftYAxis: { min: 0, showUnits: false },
        }),
        new GraphWidget({
          title: 'Survey scores (daily average, 1–5)',
          width: 8,
          left: SURVEY_TOPICS.map((topic) => caseMetric('SurveyScore', { topic }, 'Average', day, topic)),
          leftYAxis: { min: 1, max: 5, showUnits: false },
        }),
      ],
    ];
  }

  /**
   * The operator view: what was given up on, how far behind the stream is, what failed, how the API is
   * doing, and every alarm.
   */
  private operationsRows(props: ObservabilityProps): IWidget[][] {
    const period = Duration.minutes(5);
    return [
      [
        new GraphWidget({
          title: 'Dead-letter queue depth',
          width: 6,
          left: props.deadLetterQueues.map(({ label, queue }) =>
            queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period, label }),
          ),
          leftYAxis: { min: 0, showUnits: false },
        }),
        new GraphWidget({
          title: 'Stream lag (IteratorAge, max)',
          width: 6,
          left: [streamLag(props.streamFunction, period, props.streamFunction.node.id)],
          leftAnnotations: [
            {
              value: STREAM_LAG_THRESHOLD.toMilliseconds(),
              label: `alarm: ${STREAM_LAG_THRESHOLD.toMinutes()} min for ${STREAM_LAG_EVALUATION_MINUTES} min`,
            },
          ],
          leftYAxis: { min: 0, showUnits: false, label: 'ms' },
        }),
        new GraphWidget({
          title: 'Lambda errors',
          width: 6,
          left: props.functions.map((fn) => fn.metricErrors({ statistic: 'Sum', period, label: fn.node.id })),
          leftYAxis: { min: 0, showUnits: false },
        }),
        new GraphWidget({
          title: 'Lambda throttles',
          width: 6,
          left: props.functions.map((fn) =>
            fn.metricThrottles({ statistic: 'Sum', period, label: fn.node.id }),
          ),
          leftYAxis: { min: 0, showUnits: false },
        }),
      ],
      [
        new GraphWidget({
          title: 'API requests, 4xx and 5xx',
          width: 12,
          left: [props.httpApi.metricCount({ statistic: 'Sum', period, label: 'requests' })],
          right: [
            props.httpApi.metricClientError({ statistic: 'Sum', period, label: '4xx' }),
            props.httpApi.metricServerError({ statistic: 'Sum', period, label: '5xx' }),
          ],
          leftYAxis: { min: 0, showUnits: false },
          rightYAxis: { min: 0, showUnits: false },
        }),
        new GraphWidget({
          title: 'API latency (ms)',
          width: 12,
          left: [
            ...['p50', 'p90', 'p99'].map((statistic) =>
              props.httpApi.metricLatency({ statistic, period, label: `latency ${statistic}` }),
            ),
            props.httpApi.metricIntegrationLatency({ statistic: 'p90', period, label: 'integration p90' }),
          ],
          leftYAxis: { min: 0, showUnits: false },
        }),
      ],
      [
        new AlarmStatusWidget({
          title: 'Alarms',
          width: 24,
          height: 4,
          alarms: [...this.notifiedAlarms],
        }),
      ],
    ];
  }
}

/** Whether an alarm watches a queue's visible messages (its owner's not-empty alarm). */
function watchesDepthOf(alarm: Alarm, queue: IQueue): boolean {
  const { metric } = alarm;
  return (
    metric instanceof Metric &&
    metric.namespace === 'AWS/SQS' &&
    metric.metricName === 'ApproximateNumberOfMessagesVisible' &&
    metric.dimensions?.QueueName === queue.queueName
  );
}

/** How old the oldest record a stream-fed function has yet to finish is (ms), at worst per period. */
function streamLag(fn: IFunction, period: Duration, label?: string): Metric {
  return fn.metric('IteratorAge', { statistic: 'Maximum', period, label });
}

/** A casewatch EMF metric, with the `service` dimension Powertools adds to every data point. */
export function caseMetric(
  metricName: string,
  dimensions: Record<string, string>,
  statistic: string,
  period: Duration,
  label?: string,
): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME, ...dimensions },
    statistic,
    period,
    label,
  });
}

/** One backlog slot's count: the gauge's highest value in each hour. */
function openCases(status: string, level: SeverityLevel): Metric {
  return caseMetric('OpenCases', { status, severity: String(level) }, 'Maximum', Duration.hours(1));
}

/** A gauge's line: each period without a point holds the last value seen in the range. */
function held(metric: Metric, label?: string): MathExpression {
  const id = metricId(metric);
  return new MathExpression({
    expression: `FILL(${id}, REPEAT)`,
    usingMetrics: { [id]: metric },
    label,
    period: metric.period,
  });
}

/**
 * Several series as one line. `SUM([...])` adds whatever series have a point in each period, so a series
 * with no data (a slot that never changed in the range) does not blank the sum as `a + b` would.
 */
function sumOf(
  series: readonly (Metric | MathExpression)[],
  label: string,
  period: Duration,
): MathExpression {
  const usingMetrics: Record<string, IMetric> = {};
  for (const s of series) usingMetrics[s instanceof Metric ? metricId(s) : `h_${expressionId(s)}`] = s;
  return new MathExpression({
    expression: `SUM([${Object.keys(usingMetrics).join(', ')}])`,
    usingMetrics,
    label,
    period,
  });
}

/** Met ÷ (met + breached) per level, each summed over the widget's whole (fixed) time range. */
function complianceWidget(title: string, start: string): SingleValueWidget {
  const suffix = start.replace(/[^0-9A-Z]/g, '').toLowerCase();
  return new SingleValueWidget({
    title,
    width: 12,
    start,
    setPeriodToTimeRange: true,
    metrics: SEVERITY_LEVELS.map((level) => {
      const met = `met${level}_${suffix}`;
      const breached = `breached${level}_${suffix}`;
      return new MathExpression({
        expression: `100 * FILL(${met}, 0) / (FILL(${met}, 0) + FILL(${breached}, 0))`,
        usingMetrics: {
          [met]: caseMetric('FirstResponseMet', { severity: String(level) }, 'Sum', Duration.hours(1)),
          [breached]: caseMetric(
            'FirstResponseBreached',
            { severity: String(level) },
            'Sum',
            Duration.hours(1),
          ),
        },
        label: `${levelLabel(level)} (%)`,
        period: Duration.hours(1),
      });
    }),
  });
}

/**
 * A math-expression id from a casewatch metric's name and dimension values (`openCases_new_0`): ids must
 * match `[a-z][a-zA-Z0-9_]*` and be unique within a widget.
 */
function metricId(metric: Metric): string {
  const values = Object.entries(metric.dimensions ?? {})
    .filter(([name]) => name !== 'service')
    .map(([, value]) => String(value));
  const id = [metric.metricName, ...values].join('_').replace(/[^a-zA-Z0-9_]/g, '_');
  return id.charAt(0).toLowerCase() + id.slice(1);
}

/** The id of a one-metric expression (see `held`): its metric's id. */
function expressionId(expression: MathExpression): string {
  const [id] = Object.keys(expression.usingMetrics);
  if (id === undefined) throw new Error(`${expression.expression} uses no metric`);
  return id;
}

function alarmId(label: string): string {
  return label.replace(/(^|[^a-zA-Z0-9]+)([a-zA-Z0-9])/g, (_match, _sep: string, c: string) =>
    c.toUpperCase(),
  );
}

const levelLabel = (level: SeverityLevel) => `L${level} ${SEVERITY_LABELS[level]}`;
