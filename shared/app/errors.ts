import type { Case } from '../domain/case.ts';
import type { Refusal } from '../domain/changes/decision.ts';

/**
 * The one error hierarchy of casewatch's use cases. Each maps to exactly one HTTP status in
 * `shared/http/problem.ts`; anything else that escapes is a bug and becomes a 500.
 */
export abstract class CasewatchError extends Error {
  public abstract readonly status: number;
  public abstract readonly title: string;
  /** Seconds a client should wait before trying again, when waiting is the answer (`Retry-After`). */
  public retryAfterSeconds?: number;
}

export interface FieldError {
  /** Dotted path of the field, e.g. `qualifications.sellersAffected`; empty for the body itself. */
  field: string;
  message: string;
}

export class ValidationError extends CasewatchError {
  public readonly status = 400;
  public readonly title = 'Invalid request';
  public constructor(
    detail: string,
    public readonly errors: FieldError[] = [],
  ) {
    super(detail);
  }
}

export class UnauthorizedError extends CasewatchError {
  public readonly status = 401;
  public readonly title = 'Authentication required';
}

/** A domain refusal and the case it was decided on, for callers that act on it. */
export interface Refused {
  refusal: Refusal;
  case: Case;
}

/** The caller may not do this at all (a requester triaging); a case that refuses a move is a 409. */
export class ForbiddenError extends CasewatchError {
  public readonly status = 403;
  public readonly title = 'Not allowed';
}

/** Also what a caller gets for a case they may not see (docs/api.md#not-found-rather-than-forbidden). */
export class NotFoundError extends CasewatchError {
  public readonly status = 404;
  public readonly title = 'Not found';
}

export class ConflictError extends CasewatchError {
  public readonly status = 409;
  public readonly title = 'Conflict';
  /** Set when the case refused the change as it stands (closed, unchanged, not a move, done already). */
  public readonly refused?: Refused;
  public constructor(detail: string, options: { refused?: Refused; retryAfterSeconds?: number } = {}) {
    super(detail);
    if (options.refused) this.refused = options.refused;
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** The error a domain refusal is: a 409 that carries the refusal (and any moves still allowed). */
export function refusedError(refusal: Refusal, c: Case): ConflictError {
  return new ConflictError(refusal.detail, { refused: { refusal, case: c } });
}

/** A stale `If-Match`: someone changed the case since the caller read it. */
export class PreconditionFailedError extends CasewatchError {
  public readonly status = 412;
  public readonly title = 'Precondition failed';
  /** The version the case is at, when known: answered as `ETag`, so a client can re-read or retry. */
  public readonly currentVersion: number | undefined;

  public constructor(detail: string, currentVersion?: number) {
    super(detail);
    this.currentVersion = currentVersion;
  }
}
