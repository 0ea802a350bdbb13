import type { Case } from '../domain/case.ts';
import type { Refusal } from '../domain/changes/decision.ts';

/**
 * The one error hierarchy of casewatch's use cases. Each maps to exactly one HTTP status in
 * `shared/http/problem.ts`; anything else that escapes is a bug and becomes a 500.
 */
export abstract class CasewatchError extends Error {
  public abstract readonly status: number;
  public abstract readonly title: string;
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

export class ForbiddenError extends CasewatchError {
  public readonly status = 403;
  public readonly title = 'Not allowed';
  public constructor(
    detail: string,
    /** Set when the case refused the move (the status machine), not the caller's credentials. */
    public readonly refused?: Refused,
  ) {
    super(detail);
  }
}

/** Also what a caller gets for a case they may not see (docs/api.md#not-found-rather-than-forbidden). */
export class NotFoundError extends CasewatchError {
  public readonly status = 404;
  public readonly title = 'Not found';
}

export class ConflictError extends CasewatchError {
  public readonly status = 409;
  public readonly title = 'Conflict';
  public constructor(
    detail: string,
    /** Set when the case refused the change as it stands (closed, unchanged, done already). */
    public readonly refused?: Refused,
  ) {
    super(detail);
  }
}

/** The error a domain refusal is: forbidden moves are 403, everything else a 409. */
export function refusedError(refusal: Refusal, c: Case): ForbiddenError | ConflictError {
  const refused = { refusal, case: c };
  return refusal.refused === 'forbidden'
    ? new ForbiddenError(refusal.detail, refused)
    : new ConflictError(refusal.detail, refused);
}

/** A stale `If-Match`: someone changed the case since the caller read it. */
export class PreconditionFailedError extends CasewatchError {
  public readonly status = 412;
  public readonly title = 'Precondition failed';
}
