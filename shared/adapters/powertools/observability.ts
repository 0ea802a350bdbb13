import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { METRICS_NAMESPACE, type RecordMetric, SERVICE_NAME } from '../../ports/metrics.ts';

/**
 * Powertools for every function, in one place: one logger, one metrics namespace, one tracer
 * (configured by POWERTOOLS_* env), and the `RecordMetric` port as CloudWatch EMF lines. The Lambda
 * entries, the middy stack and the local runtime (which prints the same EMF lines) use it.
 */
export const logger = new Logger({ serviceName: SERVICE_NAME });
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
export const tracer = new Tracer({ serviceName: SERVICE_NAME });

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
