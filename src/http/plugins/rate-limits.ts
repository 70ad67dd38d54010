// Rate limits for public endpoints, per client IP. Answers 429 with Retry-After; the error
// handler turns it into problem+json (API) or an error page (forms).
import type { Config } from '../../config.ts';
import { TooManyRequestsError } from '../../domain/errors.ts';

function builder(_req: unknown, ctx: { after: string }) {
  return new TooManyRequestsError(`Too many requests from your address. Try again in ${ctx.after}.`);
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
