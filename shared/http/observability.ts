import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/** One logger, one metrics namespace, one tracer for every function (configured by POWERTOOLS_* env). */
export const logger = new Logger({ serviceName: 'casewatch' });
export const metrics = new Metrics({ namespace: 'casewatch', serviceName: 'casewatch' });
export const tracer = new Tracer({ serviceName: 'casewatch' });

/** One data point, published at once as its own EMF line with its own dimensions. */
export function recordMetric(name: string, dimensions: Record<string, string>): void {
  const metric = metrics.singleMetric();
  if (Object.keys(dimensions).length > 0) metric.addDimensions(dimensions);
  metric.addMetric(name, MetricUnit.Count, 1);
}
