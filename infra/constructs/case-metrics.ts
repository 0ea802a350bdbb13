import type { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { METRICS_NAMESPACE, type MetricName, SERVICE_NAME } from '../../shared/ports/metrics.ts';

/**
 * A casewatch EMF metric (named from `METRICS`, in the namespace the functions publish to), with the
 * `service` dimension Powertools adds to every data point.
 */
export function caseMetric(
  metricName: MetricName,
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
