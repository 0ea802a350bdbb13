import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/** One logger, one metrics namespace, one tracer for every function (configured by POWERTOOLS_* env). */
export const logger = new Logger({ serviceName: 'casewatch' });
export const metrics = new Metrics({ namespace: 'casewatch', serviceName: 'casewatch' });
export const tracer = new Tracer({ serviceName: 'casewatch' });
