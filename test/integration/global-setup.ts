import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** DynamoDB Local, started once for the whole run; each test file makes its own table. */
    dynamodbEndpoint: string;
  }
}

/** One JVM per `vitest run`: starting DynamoDB Local takes seconds, a table takes milliseconds. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = performance.now();
  const db = await startDynamoDbLocal();
  console.log(`DynamoDB Local ready on ${db.endpoint} in ${Math.round(performance.now() - started)} ms`);
  project.provide('dynamodbEndpoint', db.endpoint);
  return () => db.stop();
}
