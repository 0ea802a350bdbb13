import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  CasewatchError,
  ConflictError,
  type FieldError,
  PreconditionFailedError,
  ValidationError,
} from '../app/errors.ts';
import { InvalidCursorError } from '../ports/case-store.ts';

/** RFC 9457 problem details, the body of every error casewatch answers. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  /** For a status move the case refused: the moves still allowed from where it is. */
  allowed?: string[];
  /** Not in the body: sent as `Retry-After` (seconds). */
  retryAfter?: number;
  /** Not in the body: a 412's current case version, sent as `ETag`. */
  currentVersion?: number;
}

const PROBLEM_TYPES: Record<number, string> = {
  400: 'invalid-request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  412: 'precondition-failed',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  500: 'internal-error',
};

const PROBLEM_BASE = 'https://casewatch.dev/problems/';

/** Every `type` a problem casewatch answers may have: one per status, `error` for any other. */
export const PROBLEM_TYPE_URIS = [...Object.values(PROBLEM_TYPES), 'error'].map((t) => `${PROBLEM_BASE}${t}`);

export function problemResponse(problem: Problem): APIGatewayProxyStructuredResultV2 {
  const { retryAfter, currentVersion, ...body } = problem;
  return {
    statusCode: problem.status,
    headers: {
      'content-type': 'application/problem+json',
      ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }),
      ...(currentVersion === undefined ? {} : { etag: `"${currentVersion}"` }),
    },
    body: JSON.stringify(body),
  };
}

export function problem(status: number, title: string, detail: string, errors?: FieldError[]): Problem {
  return {
    type: `${PROBLEM_BASE}${PROBLEM_TYPES[status] ?? 'error'}`,
    title,
    status,
    detail,
    ...(errors ? { errors } : {}),
  };
}

/**
 * The one place errors become HTTP answers (JSON problems, and the survey's HTML pages): typed errors
 * keep their status; a cursor this API did not issue is a 400 on `cursor`; a create still running under
 * the same `Idempotency-Key` is a 409; anything else is a 500 and a bug.
 */
export function problemFor(error: unknown): Problem {
  if (error instanceof ValidationError) return problem(400, error.title, error.message, error.errors);
  if (error instanceof CasewatchError) {
    const allowed = error instanceof ConflictError ? error.refused?.refusal.allowed : undefined;
    const currentVersion = error instanceof PreconditionFailedError ? error.currentVersion : undefined;
    return {
      ...problem(error.status, error.title, error.message),
      ...(allowed === undefined ? {} : { allowed }),
      ...(currentVersion === undefined ? {} : { currentVersion }),
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfter: error.retryAfterSeconds }),
    };
  }
  if (error instanceof InvalidCursorError) {
    return problem(400, 'Invalid request', error.message, [{ field: 'cursor', message: error.message }]);
  }
  // By name: importing the class would pull Powertools idempotency into every function's bundle.
  if (error instanceof Error && error.name === 'IdempotencyAlreadyInProgressError') {
    return {
      ...problem(409, 'Conflict', 'the same create is already in progress; retry shortly'),
      retryAfter: 1,
    };
  }
  return problem(500, 'Internal error', 'something went wrong on our side; it has been logged');
}
