import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { SEVERITY_LABELS, type SeverityLevel } from '../../shared/domain/severity.ts';
import { METRICS, type MetricName } from '../../shared/ports/metrics.ts';
import { caseMetric, streamLag } from './case-metrics.ts';

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
/** How many consecutive minutes the stream lag must stay over its threshold before it pages. */
export const STREAM_LAG_EVALUATION_MINUTES = 3;

/** A dead-letter queue (or on-failure destination): any message in it is work that was not done. */
export interface ObservedQueue {
  /** How the dashboard and the alarm name it. */
  readonly label: string;
  readonly queue: IQueue;
}

/** What the alarms watch. */
export interface AlarmSources {
  readonly httpApi: IHttpApi;
  /** Each alarmed on its error rate. */
  readonly functions: readonly IFunction[];
  /** Alarmed on its iterator age (see `ObservabilityProps.streamFunction`). */
  readonly streamFunction: IFunction;
  /** Each alarmed when it holds a message, unless one of `ownerAlarms` already watches its depth. */
  readonly deadLetterQueues: readonly ObservedQueue[];
  /** Alarms other constructs raise on their own queues. */
  readonly ownerAlarms: readonly Alarm[];
}

/** The alarms casewatch raises on its SLA metrics and its AWS resources, grouped by what they watch. */
export interface CasewatchAlarms {
  /** Level 0 and 1 first-response and next-update breaches. */
  readonly breach: Alarm[];
  /** One per watched queue its owner does not alarm on. */
  readonly deadLetter: Alarm[];
  /** One per function. */
  readonly errorRate: Alarm[];
  /** The stream function falling behind the stream (retrying records, or not keeping up). */
  readonly streamLag: Alarm;
  readonly serverError: Alarm;
}

/**
 * Creates every alarm, without actions, directly in `scope` (the observability construct), so their ids
 * and logical ids do not depend on how the code is split: level 0–1 breaches, any dead-lettered message,
 * a function's error rate, the stream lag, any API 5xx.
 */
export function createAlarms(scope: Construct, sources: AlarmSources): CasewatchAlarms {
  const breach: Alarm[] = [];
  for (const level of PAGED_LEVELS) {
    breach.push(
      breachAlarm(scope, METRICS.firstResponseBreached, level, 'first response'),
      breachAlarm(scope, METRICS.nextUpdateBreached, level, 'next update'),
    );
  }
  const deadLetter = sources.deadLetterQueues
    .filter((observed) => !sources.ownerAlarms.some((alarm) => watchesDepthOf(alarm, observed.queue)))
    .map((observed) => deadLetterAlarm(scope, observed));
  return {
    breach,
    deadLetter,
    errorRate: sources.functions.map((fn) => errorRateAlarm(scope, fn)),
    streamLag: streamLagAlarm(scope, sources.streamFunction),
    serverError: serverErrorAlarm(scope, sources.httpApi),
  };
}

/** Any breach of a paged level, within the minute it is recorded. */
function breachAlarm(scope: Construct, metricName: MetricName, level: SeverityLevel, what: string): Alarm {
  return new Alarm(scope, `${metricName}Level${level}Alarm`, {
    alarmDescription: `casewatch SLA: a level ${level} (${SEVERITY_LABELS[level]}) case missed its ${what} deadline. The assignee and the leads were mailed; the case timeline has the breach.`,
    metric: caseMetric(metricName, { severity: String(level) }, 'Sum', Duration.minutes(1)),
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    // No data is the normal case: nothing was breached.
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}

function deadLetterAlarm(scope: Construct, { label, queue }: ObservedQueue): Alarm {
  return new Alarm(scope, `${alarmId(label)}NotEmptyAlarm`, {
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
function errorRateAlarm(scope: Construct, fn: IFunction): Alarm {
  const period = Duration.minutes(5);
  return new Alarm(scope, `${fn.node.id}ErrorRateAlarm`, {
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
function streamLagAlarm(scope: Construct, fn: IFunction): Alarm {
  const threshold = STREAM_LAG_THRESHOLD.toMinutes();
  return new Alarm(scope, 'StreamLagAlarm', {
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

/** Bad input is always a 4xx (docs/api.md), so any 5xx is a fault. */
function serverErrorAlarm(scope: Construct, httpApi: IHttpApi): Alarm {
  return new Alarm(scope, 'ApiServerErrorAlarm', {
    alarmDescription:
      'casewatch API: requests ended in a 5xx. Bad input is always a 4xx (docs/api.md), so a 5xx is a fault: see the API access log and the function logs.',
    metric: httpApi.metricServerError({ statistic: 'Sum', period: Duration.minutes(5) }),
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
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

/** `Timer dead-letter queue` → `TimerDeadLetterQueue`. */
function alarmId(label: string): string {
  return label.replace(/(^|[^a-zA-Z0-9]+)([a-zA-Z0-9])/g, (_match, _sep: string, c: string) =>
    c.toUpperCase(),
  );
}
