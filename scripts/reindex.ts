import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../shared/adapters/dynamodb/case-store.ts';
import { reindexCases } from '../shared/adapters/dynamodb/reindex.ts';
import { createSlaPolicy } from '../shared/domain/sla-policy.ts';

/**
 * `npm run reindex -- <table name>`: writes every case item's list-index keys as this version derives
 * them, once after a deploy that added a list index (README, "Data: one DynamoDB table"). Uses the AWS
 * credentials and region of the shell (`AWS_PROFILE`, `AWS_REGION`); `--endpoint <url>` for DynamoDB Local.
 * The local runtime does this by itself when it finds an older data folder.
 */
const args = process.argv.slice(2);
const endpointAt = args.indexOf('--endpoint');
const endpoint = endpointAt >= 0 ? args[endpointAt + 1] : undefined;
const tableName = args.find((a, i) => !a.startsWith('--') && (endpointAt < 0 || i !== endpointAt + 1));
if (!tableName) {
  console.error('usage: npm run reindex -- <table name> [--endpoint <url>]');
  process.exit(2);
}
const client = new DynamoDBClient(endpoint ? { endpoint } : {});
try {
  const result = await reindexCases({
    client: createDocumentClient(client),
    tableName,
    policy: createSlaPolicy(),
  });
  console.log(
    `${tableName}: ${result.cases} cases read, ${result.updated} given their index keys, ${result.changedMeanwhile} written meanwhile (already current)`,
  );
} finally {
  client.destroy();
}
