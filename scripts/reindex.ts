import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_CLIENT_CONFIG } from '../local/dynamodb-local.ts';
import { createDocumentClient } from '../shared/adapters/dynamodb/case-store.ts';
import { reindexCases } from '../shared/adapters/dynamodb/reindex.ts';
import { createSlaPolicy } from '../shared/domain/sla-policy.ts';

/**
 * `npm run reindex -- <table name>`: writes every case item's list-index keys as this version derives
 * them, once after a deploy that added a list index (README, "Data: one DynamoDB table"). Uses the AWS
 * credentials and region of the shell (`AWS_PROFILE`, `AWS_REGION`). `--endpoint <url>` is for DynamoDB
 * Local (the local runtime's table is `casewatch`): it takes any credentials, so the script brings its own
 * and a region, whatever the shell has. The local runtime does this by itself when it finds an older data
 * folder.
 */
const args = process.argv.slice(2);
const endpointAt = args.indexOf('--endpoint');
const endpoint = endpointAt >= 0 ? args[endpointAt + 1] : undefined;
const tableName = args.find((a, i) => !a.startsWith('--') && (endpointAt < 0 || i !== endpointAt + 1));
if (!tableName || (endpointAt >= 0 && (!endpoint || endpoint.startsWith('--')))) {
  console.error('usage: npm run reindex -- <table name> [--endpoint <url>]');
  process.exit(2);
}
// The SDK's notice that its 2027 releases need Node.js 22 (read when a client is made) is off, as under
// `npm start`: Lambda runs 22 already, and the README says so.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const client = new DynamoDBClient(endpoint ? { ...LOCAL_CLIENT_CONFIG, endpoint } : {});
try {
  const result = await reindexCases({
    client: createDocumentClient(client),
    tableName,
    policy: createSlaPolicy(),
  });
  console.log(
    `${tableName}: ${result.cases} cases read, ${result.updated} given their index keys, ${result.changedMeanwhile} written meanwhile (already current)`,
  );
} catch (error) {
  // What went wrong (no table, no endpoint, no credentials), in one line rather than a stack trace.
  console.error(`reindex ${tableName}${endpoint ? ` at ${endpoint}` : ''}: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  client.destroy();
}
