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

/** A personal API token lacks the scope a request needs (names the scope). */
export class InsufficientScopeError extends DomainError {
  readonly code = 'insufficient-scope';
  constructor(public readonly scope: string) {
    super(`This API token lacks the "${scope}" scope this request needs. Create a token with it.`);
  }
}

/** The project requires two-factor sign-in and the account (or this session) has none. */
export class SecondFactorRequiredError extends DomainError {
  readonly code = 'second-factor-required';
  constructor(
    message = 'This project requires two-factor sign-in. Set up an authenticator app or a passkey on /account/security, then sign in again with it.',
  ) {
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
  constructor(
    message = 'Too many requests. Try again later.',
    /** When a retry can succeed, in whole seconds from now (HTTP Retry-After). */
    public readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** A request or document over one of the size and count limits (src/domain/input-limits.ts). */
export class PayloadTooLargeError extends DomainError {
  readonly code = 'payload-too-large';
  constructor(message: string) {
    super(message);
  }
}
