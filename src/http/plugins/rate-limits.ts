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

/**
 * Runs a route's `config.earlyLimit` (a limiter hook) before any other work on the request: register
 * it before the actor hook. Route-level onRequest hooks run after the global ones, so a limiter there
 * would come after the credential lookup, and a flood carrying a made-up bearer token or session
 * cookie would cost a database read per request however far over the limit it is.
 */
export function registerEarlyLimits(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const limit = request.routeOptions.config.earlyLimit;
    if (limit) await limit(request, reply);
  });
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A limiter run before the request's credentials are looked up (registerEarlyLimits). */
    earlyLimit?: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

const intakeLimiters = new WeakMap<Config, Hook>();

/**
 * Report submissions per client IP, one counter for the form and the API together (a route's own
 * `config.rateLimit` would count each route apart, doubling what one address may send). Use it as
 * the route's `config.earlyLimit` (API: refused before the body is read or credentials looked up) or
 * preHandler (form: after, so the refusal can show the form again with what the reporter typed).
 */
export function sharedIntakeLimit(app: FastifyInstance, config: Config): Hook {
  let hook = intakeLimiters.get(config);
  if (!hook) {
    hook = app.rateLimit(intakeRateLimit(config)) as Hook;
    intakeLimiters.set(config, hook);
  }
  return hook;
}

/** Sign-in attempts per address, as an early limit (one counter per route that calls it). */
export function loginLimit(app: FastifyInstance, config: Config): Hook {
  return app.rateLimit(loginRateLimit(config)) as Hook;
}

/** A refusal sent before the body was read (intakeFloodGuard): there is no text to show again. */
export class FloodRefusal extends TooManyRequestsError {}

const floodGuards = new WeakMap<Config, Hook>();

/**
 * The report form's first line of defence, as its `config.earlyLimit`: an address that has posted
 * the form more than twice the intake limit in a minute (no person types that many reports) is
 * refused before its body is read, parsed or checked, with a short error page. Showing the form again with the text
 * kept (sharedIntakeLimit as the preHandler) costs a page render and database reads per refusal, which
 * a flood would otherwise get for free, and at a rate that slows every other reporter down
 * (bench/flood.ts). A person just over the limit still gets the form back with what they typed.
 */
export function intakeFloodGuard(app: FastifyInstance, config: Config): Hook {
  let hook = floodGuards.get(config);
  if (!hook) {
    // createRateLimit, not rateLimit: a rateLimit hook marks the request as limited, and the route's
    // own limiter (sharedIntakeLimit) would then be skipped.
    const check = app.createRateLimit({ max: 2 * config.intakeRateLimit, timeWindow: 60_000 });
    hook = async (request) => {
      const r = await check(request);
      if (!r.isAllowed && r.isExceeded) {
        const seconds = Math.max(1, r.ttlInSeconds);
        throw new FloodRefusal(
          `Too many requests from your address. Try again in ${seconds} seconds.`,
          seconds,
        );
      }
    };
    floodGuards.set(config, hook);
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
