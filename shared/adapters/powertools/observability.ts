import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, type RecordMetric, SERVICE_NAME } from '../../ports/metrics.ts';

/**
 * Powertools for every function, in one place: one logger and one metrics namespace (configured by
 * POWERTOOLS_* env), and the `RecordMetric` port as CloudWatch EMF lines. The Lambda entries, the middy
 * stack and the local runtime (which prints the same EMF lines) use it.
 *
 * No tracer: Lambda's active tracing (set on every function by `CasewatchFunction`) records each
 * invocation's segment without any SDK in the bundle, and the functions traced no more than that — the
 * X-Ray SDK cost 9–15 ms of every cold start for a `## handler` subsegment (docs/architecture.md).
 */
export const logger = new Logger({ serviceName: SERVICE_NAME });
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });

const UNITS = { Count: MetricUnit.Count, Minutes: MetricUnit.NoUnit, None: MetricUnit.NoUnit } as const;

/**
 * One data point, published at once as its own EMF line with its own dimensions (plus `service`).
 * CloudWatch has no minutes unit: `TimeToFirstResponse` is a plain number of minutes (its name says so
 * on the dashboard), recorded with unit `None` so statistics like p90 apply unchanged.
 */
export const recordMetric: RecordMetric = (name, dimensions, value = 1, unit = 'Count') => {
  const metric = metrics.singleMetric();
  if (Object.keys(dimensions).length > 0) metric.addDimensions(dimensions);
  metric.addMetric(name, UNITS[unit], value);
};
