// Domain errors with stable codes. The HTTP layer maps each code to a status and an RFC 9457
// problem type (urn:parley:problem:<code>); nothing here knows about HTTP.

export interface FieldError {
  field: string;
  message: string;
  /** Where in a submitted document (e.g. a policy file) the problem is, 1-based. */
  line?: number;
  column?: number;
}

export abstract class DomainError extends Error {
  abstract readonly code: string;
}

export class ValidationError extends DomainError {
  readonly code = 'validation-error';
  constructor(
    public readonly errors: FieldError[],
    message = 'Some fields are not valid.',
  ) {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'not-found';
  constructor(message = 'Not found.') {
    super(message);
  }
}

/** Authenticated but not allowed. Only used where the existence of the thing is not secret. */
export class ForbiddenError extends DomainError {
  readonly code = 'forbidden';
  constructor(message = 'You are not allowed to do this.') {
    super(message);
  }
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'unauthenticated';
  constructor(message = 'Sign in or send a valid bearer token.') {
    super(message);
  }
}

export class ConflictError extends DomainError {
  readonly code: string;
  constructor(message: string, code = 'conflict') {
    super(message);
    this.code = code;
  }
}

export class InvalidTransitionError extends ConflictError {
  constructor(from: string, to: string, reason?: string) {
    super(reason ?? `A case cannot go from "${from}" to "${to}".`, 'invalid-transition');
  }
}

export class TooManyRequestsError extends DomainError {
  readonly code = 'rate-limited';
  constructor(message = 'Too many requests. Try again later.') {
    super(message);
  }
}
