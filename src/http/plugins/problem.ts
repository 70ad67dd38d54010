// One error handler for the whole app. API paths answer RFC 9457 problem+json with a stable
// `type` (urn:parley:problem:<code>); pages answer an HTML error page. 5xx details never leave
// the server.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ConflictError,
  DomainError,
  TooManyRequestsError,
  ValidationError,
  type FieldError,
} from '../../domain/errors.ts';
import { renderErrorPage } from '../pages/error.page.tsx';
import { redactUrl } from './logging.ts';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  /** Rate-limited answers: seconds until a retry can succeed (also the Retry-After header). */
  retryAfter?: number;
  /** 5xx answers: the request id (also the x-request-id header), to find the log line. */
  requestId?: string;
}

const STATUS_BY_CODE: Record<string, number> = {
  'validation-error': 422,
  'bad-request': 400,
  unauthenticated: 401,
  forbidden: 403,
  'insufficient-scope': 403,
  'second-factor-required': 403,
  'not-found': 404,
  conflict: 409,
  'invalid-transition': 409,
  'account-exists': 409,
  'project-exists': 409,
  'last-maintainer': 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'rate-limited': 429,
  internal: 500,
};

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Authentication required',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  413: 'Payload too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/** Problem codes for Fastify's own 4xx errors (body limits, media types, rate limits, routing). */
const CODE_BY_STATUS: Record<number, string> = {
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'rate-limited',
};

/** Schema validation reports every error; an answer lists at most this many. */
const MAX_FIELD_ERRORS = 50;

export function problemType(code: string): string {
  return `urn:parley:problem:${code}`;
}

export function isApiPath(url: string): boolean {
  const path = url.split('?')[0]!;
  return path === '/api' || path === '/v1' || url.startsWith('/api/') || url.startsWith('/v1/');
}

/** Maps anything thrown to a code and HTTP status, keeping only what is safe to tell a client. */
export function toProblem(err: unknown): Problem {
  if (err instanceof DomainError) {
    const status = STATUS_BY_CODE[err.code] ?? (err instanceof ConflictError ? 409 : 400);
    const p: Problem = {
      type: problemType(err.code),
      title: TITLES[status] ?? 'Error',
      status,
      detail: err.message,
    };
    if (err instanceof ValidationError) p.errors = err.errors;
    if (err instanceof TooManyRequestsError && err.retryAfterSeconds) p.retryAfter = err.retryAfterSeconds;
    return p;
  }
  const fe = err as FastifyError & {
    validation?: Array<{ instancePath?: string; message?: string; params?: Record<string, unknown> }>;
    validationContext?: string;
  };
  if (fe && fe.validation) {
    // Parsed but not valid: the same status and type as the services' own field checks, so a client
    // gets one kind of answer for a bad field whichever layer caught it.
    const errors = fe.validation.slice(0, MAX_FIELD_ERRORS).map((v) => {
      const path = (v.instancePath || '').replace(/^\//, '').replace(/\//g, '.');
      const child = v.params?.missingProperty ?? v.params?.additionalProperty;
      const field =
        child === undefined
          ? path || (fe.validationContext ?? 'body')
          : path
            ? `${path}.${String(child)}`
            : String(child);
      return { field, message: v.message ?? 'is not valid' };
    });
    return {
      type: problemType('validation-error'),
      title: TITLES[422]!,
      status: 422,
      detail: 'The request does not match the API schema.',
      errors,
    };
  }
  const status = typeof fe?.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = CODE_BY_STATUS[status] ?? 'bad-request';
    // Fastify's own 4xx messages (bad JSON, body too large, CSRF) describe the client's request; they are safe.
    return { type: problemType(code), title: TITLES[status] ?? 'Bad request', status, detail: fe.message };
  }
  return {
    type: problemType('internal'),
    title: TITLES[500]!,
    status: 500,
    detail: 'Something went wrong on our side. It has been logged.',
  };
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, p: Problem) {
  const body: Problem = { ...p, instance: redactUrl(request.url) };
  if (p.status >= 500) body.requestId = request.id;
  return reply.status(p.status).type('application/problem+json; charset=utf-8').send(JSON.stringify(body));
}

/** Answers an error: problem+json on API paths, the HTML error page elsewhere. Also Fastify's `frameworkErrors`. */
export function handleError(err: unknown, request: FastifyRequest, reply: FastifyReply) {
  const p = toProblem(err);
  if (p.status >= 500) request.log.error({ err }, 'request failed');
  else request.log.info({ status: p.status, code: p.type }, 'request refused');
  if (p.status === 429 && !reply.getHeader('retry-after'))
    reply.header('retry-after', String(p.retryAfter ?? 60));
  if (isApiPath(request.url)) {
    // RFC 9110 §15.5.2: a 401 names the scheme to authenticate with (RFC 6750 for bearer tokens).
    if (p.status === 401) reply.header('www-authenticate', 'Bearer realm="parley"');
    return sendProblem(request, reply, p);
  }
  return reply
    .status(p.status)
    .type('text/html; charset=utf-8')
    .send(
      renderErrorPage(
        request,
        p.status,
        p.title,
        p.status >= 500 ? `${p.detail!} Request id: ${request.id}.` : (p.detail ?? p.title),
        p.type === problemType('second-factor-required')
          ? { href: '/account/security', label: 'Set up two-factor sign-in' }
          : undefined,
      ),
    );
}

export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    const p: Problem = {
      type: problemType('not-found'),
      title: 'Not found',
      status: 404,
      detail: 'There is nothing at this address.',
    };
    if (isApiPath(request.url)) return sendProblem(request, reply, p);
    return reply
      .status(404)
      .type('text/html; charset=utf-8')
      .send(renderErrorPage(request, 404, 'Not found', p.detail!));
  });
}
