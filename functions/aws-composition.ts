import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createDocumentClient } from '../shared/adapters/dynamodb/case-store.ts';
import { systemClock } from '../shared/adapters/system-clock.ts';
import { createJwtVerifier, remoteKeys } from '../shared/adapters/tokens/jwt-verifier.ts';
import type { CoreDeps } from '../shared/app/deps.ts';
import type { ApiDeps } from '../shared/http/api-handler.ts';
import { createApiDeps, createCoreDeps } from './composition.ts';

export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set (the CDK stack sets it)`);
  return value;
}

/** One DynamoDB client per container, shared by the store and (in intake) idempotency records. */
export const dynamodb = new DynamoDBClient({});
/** Its document client, shared by the store and the ledgers and limiters kept in the same table. */
export const documents = createDocumentClient(dynamodb);

/** What every use case needs, for worker functions; `secret` when the function reads the signing secret. */
export function awsCoreDeps(secret?: string): CoreDeps {
  return createCoreDeps({ documents, tableName: env('TABLE_NAME'), clock: systemClock, secret });
}

let secretRead: Promise<string> | undefined;

/**
 * The signing secret every HMAC key is derived from (`deriveKey`), read once per container at init —
 * once, however many parts of the entry ask for it.
 */
export function signingSecret(): Promise<string> {
  secretRead ??= new SecretsManagerClient({})
    .send(new GetSecretValueCommand({ SecretId: env('CASEWATCH_SECRET_ARN') }))
    .then(
      (secret) =>
        secret.SecretString ?? Buffer.from(secret.SecretBinary ?? new Uint8Array()).toString('base64'),
    );
  return secretRead;
}

/**
 * The composition root for Lambda: what every API function needs, built once per container, the
 * signing secret read at init (top-level await in each entry), and the origin token the distribution
 * sends (an environment variable: no second read at init). Functions that need more (S3,
 * idempotency) add it in their own entry, so the others do not bundle those clients.
 */
export async function awsApiDeps(): Promise<ApiDeps> {
  const deps = createApiDeps({
    documents,
    tableName: env('TABLE_NAME'),
    clock: systemClock,
    secret: await signingSecret(),
    jwtVerifier: createJwtVerifier({
      keys: remoteKeys(env('COGNITO_JWKS_URL')),
      issuer: env('COGNITO_ISSUER'),
      audience: env('COGNITO_CLIENT_ID'),
    }),
  });
  // Only requests the distribution passes on (docs/architecture.md#the-firewall).
  // The current origin token, and the ones either side of it while the generation changes over.
  const around = [process.env.ORIGIN_TOKEN_PREVIOUS, env('ORIGIN_TOKEN_NEXT')].filter(
    (t): t is string => !!t,
  );
  return { ...deps, originTokens: [env('ORIGIN_TOKEN'), ...around] };
}
