import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { awsApiDeps, dynamodb, env } from '../aws-composition.ts';
import { createHandler } from './app.ts';

/** Lambda entry: the shared handler wired to AWS once per container, with idempotency records in the table. */
export const handler = createHandler({
  ...(await awsApiDeps()),
  idempotencyStore: new DynamoDBPersistenceLayer({
    tableName: env('TABLE_NAME'),
    keyAttr: 'pk',
    sortKeyAttr: 'sk',
    awsSdkV3Client: dynamodb,
  }),
});
