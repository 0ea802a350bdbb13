import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createCaseStore } from '../shared/adapters/dynamodb/case-store.ts';
import { deriveKey } from '../shared/adapters/secret-keys.ts';
import { createCaseTokens } from '../shared/adapters/tokens/case-tokens.ts';
import { createMeetingLinks } from '../shared/adapters/tokens/meeting-links.ts';
import { createSurveyTokens } from '../shared/adapters/tokens/survey-tokens.ts';
import { createUlidIds } from '../shared/adapters/ulid-ids.ts';
import type { CoreDeps } from '../shared/app/deps.ts';
import { DEFAULT_BREADTH_THRESHOLDS } from '../shared/domain/severity.ts';
import { createSlaPolicy } from '../shared/domain/sla-policy.ts';
import type { ApiDeps } from '../shared/http/api-handler.ts';
import type { Clock } from '../shared/ports/clock.ts';
import type { JwtVerifier } from '../shared/ports/identity-verifier.ts';

/*
 * The assembly both composition roots share — Lambda's (`aws-composition.ts` and each `handler.ts`)
 * and the local runtime's (`local/runtime.ts`) — so the two wire the same adapters the same way and
 * differ only in clients, endpoints, clock and where the signing secret comes from.
 */

export interface StoreWiring {
  /** A document client from `createDocumentClient`, over DynamoDB or DynamoDB Local. */
  documents: DynamoDBDocumentClient;
  tableName: string;
  clock: Clock;
  /** The signing secret every HMAC key is derived from (`deriveKey`); workers that list nothing need none. */
  secret?: string | undefined;
}

/** What every use case needs, API or worker: the case store on the table, ids, the policy, the clock. */
export function createCoreDeps({ documents, tableName, clock, secret }: StoreWiring): CoreDeps {
  const policy = createSlaPolicy();
  return {
    store: createCaseStore({
      client: documents,
      tableName,
      policy,
      cursorKey: secret === undefined ? undefined : deriveKey(secret, 'cursor'),
    }),
    clock,
    ids: createUlidIds(clock),
    policy,
    thresholds: DEFAULT_BREADTH_THRESHOLDS,
  };
}

/**
 * Case tokens and survey links: whoever issues them (intake, a mail that opens a case, the stream when a
 * survey goes out) and the API that verifies them derive the same keys from the secret and share the
 * clock, or a token would not verify.
 */
export function createTokens(
  secret: string,
  clock: Clock,
): Pick<ApiDeps, 'caseTokens' | 'surveyTokens' | 'meetingLinks'> {
  const caseTokenKey = deriveKey(secret, 'case-token');
  const surveyKey = deriveKey(secret, 'survey');
  const meetingKey = deriveKey(secret, 'meeting');
  return {
    caseTokens: createCaseTokens(async () => caseTokenKey),
    surveyTokens: createSurveyTokens(async () => surveyKey, clock),
    meetingLinks: createMeetingLinks(async () => meetingKey, clock),
  };
}

/** What every API function needs: the core, the tokens, and the verifier of bearer JWTs. */
export function createApiDeps(wiring: StoreWiring & { secret: string; jwtVerifier: JwtVerifier }): ApiDeps {
  return {
    ...createCoreDeps(wiring),
    ...createTokens(wiring.secret, wiring.clock),
    jwtVerifier: wiring.jwtVerifier,
  };
}
