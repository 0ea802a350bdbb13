import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createCaseStore, createDocumentClient } from '../shared/adapters/dynamodb/case-store.ts';
import { deriveKey } from '../shared/adapters/secret-keys.ts';
import { systemClock } from '../shared/adapters/system-clock.ts';
import { createCaseTokens } from '../shared/adapters/tokens/case-tokens.ts';
import { createJwtVerifier, remoteKeys } from '../shared/adapters/tokens/jwt-verifier.ts';
import { createSurveyTokens } from '../shared/adapters/tokens/survey-tokens.ts';
import { createUlidIds } from '../shared/adapters/ulid-ids.ts';
import type { CoreDeps } from '../shared/app/deps.ts';
import { DEFAULT_BREADTH_THRESHOLDS } from '../shared/domain/severity.ts';
import { createSlaPolicy } from '../shared/domain/sla-policy.ts';
import type { ApiDeps } from '../shared/http/api-handler.ts';
import type { CaseTokens } from '../shared/ports/case-tokens.ts';
import type { Clock } from '../shared/ports/clock.ts';
import type { SurveyTokens } from '../shared/ports/inbound-mail.ts';

export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set (the CDK stack sets it)`);
  return value;
}

/** One DynamoDB client per container, shared by the store and (in intake) idempotency records. */
export const dynamodb = new DynamoDBClient({});
/** Its document client, shared by the store and the ledgers and limiters kept in the same table. */
export const documents = createDocumentClient(dynamodb);

/** What every use case needs, for API and worker functions alike. */
export function awsCoreDeps(cursorKey?: Uint8Array): CoreDeps {
  const clock = systemClock;
  const policy = createSlaPolicy();
  return {
    store: createCaseStore({
      client: documents,
      tableName: env('TABLE_NAME'),
      policy,
      cursorKey,
    }),
    clock,
    ids: createUlidIds(clock),
    policy,
    thresholds: DEFAULT_BREADTH_THRESHOLDS,
  };
}

/** The signing secret every HMAC key is derived from (`deriveKey`), read once per container at init. */
export async function signingSecret(): Promise<string> {
  const secret = await new SecretsManagerClient({}).send(
    new GetSecretValueCommand({ SecretId: env('CASEWATCH_SECRET_ARN') }),
  );
  return secret.SecretString ?? Buffer.from(secret.SecretBinary ?? new Uint8Array()).toString('base64');
}

/**
 * Survey links for whichever function issues them (the stream, when the survey is sent) and the API,
 * which verifies them: the same derived key and the same clock, or a link would not verify.
 */
export function awsSurveyTokens(secretValue: string, clock: Clock = systemClock): SurveyTokens {
  const key = deriveKey(secretValue, 'survey');
  return createSurveyTokens(async () => key, clock);
}

/**
 * Case tokens for whichever function hands them out (intake, a mail that opens a case) and the API,
 * which verifies them: the same derived key everywhere, or a token would not verify.
 */
export function awsCaseTokens(secretValue: string): CaseTokens {
  const key = deriveKey(secretValue, 'case-token');
  return createCaseTokens(async () => key);
}

/**
 * The composition root for Lambda: what every API function needs, built once per container, the
 * signing secret read at init (top-level await in each entry). Functions that need more (S3,
 * idempotency) add it in their own entry, so the others do not bundle those clients.
 */
export async function awsApiDeps(): Promise<ApiDeps> {
  const secretValue = await signingSecret();
  const core = awsCoreDeps(deriveKey(secretValue, 'cursor'));
  return {
    ...core,
    caseTokens: awsCaseTokens(secretValue),
    surveyTokens: awsSurveyTokens(secretValue, core.clock),
    jwtVerifier: createJwtVerifier({
      keys: remoteKeys(env('COGNITO_JWKS_URL')),
      issuer: env('COGNITO_ISSUER'),
      audience: env('COGNITO_CLIENT_ID'),
    }),
  };
}
