import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createCaseStore, createDocumentClient } from '../shared/adapters/dynamodb/case-store.ts';
import { createS3BlobStore } from '../shared/adapters/s3/s3-blob-store.ts';
import { deriveKey } from '../shared/adapters/secret-keys.ts';
import { systemClock } from '../shared/adapters/system-clock.ts';
import { createCaseTokens } from '../shared/adapters/tokens/case-tokens.ts';
import { createJwtVerifier, remoteKeys } from '../shared/adapters/tokens/jwt-verifier.ts';
import { createUlidIds } from '../shared/adapters/ulid-ids.ts';
import { DEFAULT_BREADTH_THRESHOLDS } from '../shared/domain/severity.ts';
import { createSlaPolicy } from '../shared/domain/sla-policy.ts';
import type { ApiDeps } from '../shared/http/api-handler.ts';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set (the CDK stack sets it)`);
  return value;
}

/**
 * The composition root for Lambda: AWS clients created once per container, the signing secret read
 * once at init (top-level await in the entry), configuration from the environment the stack sets.
 */
export async function awsApiDeps(): Promise<ApiDeps> {
  const clock = systemClock;
  const policy = createSlaPolicy();
  const dynamodb = new DynamoDBClient({});
  const secrets = new SecretsManagerClient({});
  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: env('CASEWATCH_SECRET_ARN') }));
  const secretValue =
    secret.SecretString ?? Buffer.from(secret.SecretBinary ?? new Uint8Array()).toString('base64');
  const tableName = env('TABLE_NAME');
  const caseTokenKey = deriveKey(secretValue, 'case-token');
  return {
    store: createCaseStore({
      client: createDocumentClient(dynamodb),
      tableName,
      policy,
      cursorKey: deriveKey(secretValue, 'cursor'),
    }),
    clock,
    ids: createUlidIds(clock),
    policy,
    thresholds: DEFAULT_BREADTH_THRESHOLDS,
    caseTokens: createCaseTokens(async () => caseTokenKey),
    blobs: createS3BlobStore({
      client: new S3Client({}),
      bucket: process.env.ATTACHMENTS_BUCKET ?? '',
      clock,
    }),
    jwtVerifier: createJwtVerifier({
      keys: remoteKeys(env('COGNITO_JWKS_URL')),
      issuer: env('COGNITO_ISSUER'),
      audience: env('COGNITO_CLIENT_ID'),
    }),
    idempotencyStore: new DynamoDBPersistenceLayer({
      tableName,
      keyAttr: 'pk',
      sortKeyAttr: 'sk',
      awsSdkV3Client: dynamodb,
    }),
  };
}
