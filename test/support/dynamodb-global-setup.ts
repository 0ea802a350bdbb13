import type { TestProject } from 'vitest/node';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** DynamoDB Local, started once for the whole run; each test file (or local runtime) makes its own tables. */
    dynamodbEndpoint: string;
  }
}

/** Shared by every project that lists this setup (integration, e2e): one JVM per `vitest run`. */
const shared = globalThis as { casewatchDynamoDb?: { db: Promise<DynamoDbLocal>; users: number } };

/** Starting DynamoDB Local takes seconds, a table milliseconds: start it once, stop it after the last user. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = performance.now();
  if (!shared.casewatchDynamoDb) {
    shared.casewatchDynamoDb = { db: startDynamoDbLocal(), users: 0 };
    const db = await shared.casewatchDynamoDb.db;
    console.log(`DynamoDB Local ready on ${db.endpoint} in ${Math.round(performance.now() - started)} ms`);
  }
  const entry = shared.casewatchDynamoDb;
  entry.users++;
  project.provide('dynamodbEndpoint', (await entry.db).endpoint);
  return async () => {
    if (--entry.users > 0) return;
    shared.casewatchDynamoDb = undefined;
    await (await entry.db).stop();
  };
}
