// Rate limits for public endpoints, per client IP. Answers 429 with Retry-After; the error
// handler turns it into problem+json (API) or an error page (forms).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import { TooManyRequestsError } from '../../domain/errors.ts';

function builder(_req: unknown, ctx: { after: string; ttl: number }) {
  return new TooManyRequestsError(
    `Too many requests from your address. Try again in ${ctx.after}.`,
    Math.max(1, Math.ceil(ctx.ttl / 1000)),
  );
}

export function intakeRateLimit(config: Config) {
  return { max: config.intakeRateLimit, timeWindow: 60_000, errorResponseBuilder: builder };
}

export function loginRateLimit(config: Config) {
  return { max: config.loginRateLimit, timeWindow: 15 * 60_000, errorResponseBuilder: builder };
}

/** The OSV query API: scanners send bursts, so the limit is per minute and generous. */
export function queryRateLimit(config: Config) {
  return { max: config.queryRateLimit, timeWindow: 60_000, errorResponseBuilder: builder };
}

/** Second sign-in steps, password-reset requests and passkey challenges: as tight as sign-in. */
export function accountRateLimit(config: Config) {
  return { max: config.loginRateLimit, timeWindow: 15 * 60_000, errorResponseBuilder: builder };
}

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
const intakeLimiters = new WeakMap<Config, Hook>();

/**
 * Report submissions per client IP, one counter for the form and the API together (a route's own
 * `config.rateLimit` would count each route apart, doubling what one address may send). Use it as
 * the route's onRequest hook (API: refused before the body is read) or preHandler (form: after, so
 * the refusal can show the form again with what the reporter typed).
 */
export function sharedIntakeLimit(app: FastifyInstance, config: Config): Hook {
  let hook = intakeLimiters.get(config);
  if (!hook) {
    hook = app.rateLimit(intakeRateLimit(config)) as Hook;
    intakeLimiters.set(config, hook);
  }
  return hook;
}

const replyLimiters = new WeakMap<Config, Hook>();

/**
 * Reporter writes through a case link, per client IP, one counter for all of them: replies and
 * contact changes on /c/{token}, and API messages and changes made with a case token. Signed-in team
 * members are not counted: their writes are not anonymous and automations would trip it. Use it as
 * a preHandler (after the body is read, so a refused reply can be shown again with its text).
 * Per-case limits: services/triage/reporter-limits.ts.
 */
export function sharedReplyLimit(app: FastifyInstance, config: Config): Hook {
  let hook = replyLimiters.get(config);
  if (!hook) {
    hook = app.rateLimit({
      max: config.replyRateLimit,
      timeWindow: 60_000,
      errorResponseBuilder: builder,
      allowList: (req: FastifyRequest) => req.actor?.kind === 'user',
    }) as Hook;
    replyLimiters.set(config, hook);
  }
  return hook;
}
