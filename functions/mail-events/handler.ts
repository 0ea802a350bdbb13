import { createDynamoSuppressionList } from '../../shared/adapters/dynamodb/mail-addresses.ts';
import { recordMetric } from '../../shared/adapters/powertools/observability.ts';
import { awsCoreDeps, documents, env } from '../aws-composition.ts';
import { createHandler } from './app.ts';

/** Lambda entry for SES's bounce and complaint events (through EventBridge): recorded, addresses suppressed. */
export const handler = createHandler({
  ...awsCoreDeps(),
  suppressions: createDynamoSuppressionList({ client: documents, tableName: env('TABLE_NAME') }),
  recordMetric,
  mailDomain: env('MAIL_DOMAIN'),
});
