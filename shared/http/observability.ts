import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { RecordMetric } from '../ports/notifier.ts';

/** One logger, one metrics namespace, one tracer for every function (configured by POWERTOOLS_* env). */
export const logger = new Logger({ serviceName: 'casewatch' });
export const metrics = new Metrics({ namespace: 'casewatch', serviceName: 'casewatch' });
export const tracer = new Tracer({ serviceName: 'casewatch' });

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
