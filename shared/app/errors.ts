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

export class ForbiddenError extends CasewatchError {
  public readonly status = 403;
  public readonly title = 'Not allowed';
}

/** Also what a caller gets for a case they may not see (SPEC §7: 404, not 403). */
export class NotFoundError extends CasewatchError {
  public readonly status = 404;
  public readonly title = 'Not found';
}

export class ConflictError extends CasewatchError {
  public readonly status = 409;
  public readonly title = 'Conflict';
}

/** A stale `If-Match`: someone changed the case since the caller read it. */
export class PreconditionFailedError extends CasewatchError {
  public readonly status = 412;
  public readonly title = 'Precondition failed';
}
