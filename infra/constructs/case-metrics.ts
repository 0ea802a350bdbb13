import type { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SERVICE_NAME } from './casewatch-function.ts';

/** The EMF namespace shared/http/observability.ts publishes to. */
export const METRICS_NAMESPACE = 'casewatch';

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

/** How old the oldest record a stream-fed function has yet to finish is (ms), at worst per period. */
export function streamLag(fn: IFunction, period: Duration, label?: string): Metric {
  return fn.metric('IteratorAge', { statistic: 'Maximum', period, label });
}
