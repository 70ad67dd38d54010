// Retry delays for failed jobs: exponential, capped, with jitter so that jobs that failed together
// (an SMTP server down for everyone) do not all come back in the same instant.

export interface BackoffOptions {
  /** Delay after the first failure, before jitter. */
  baseMs?: number;
  /** Longest delay. */
  capMs?: number;
  /** Source of jitter in [0, 1); injectable for tests. */
  random?: () => number;
}

export const DEFAULT_BACKOFF_BASE_MS = 30_000;
export const DEFAULT_BACKOFF_CAP_MS = 60 * 60_000;

/**
 * After failed attempt n (1-based) the job waits between 3/4 and all of min(cap, base · 2^(n−1)):
 * 30 s, 1 min, 2 min … up to 1 h by default. Taking the jitter off the top keeps two things true:
 * a delay never exceeds the cap, and each delay is at least as long as the one before.
 */
export function exponentialBackoff(opts: BackoffOptions = {}): (attempt: number) => number {
  const base = opts.baseMs ?? DEFAULT_BACKOFF_BASE_MS;
  const cap = opts.capMs ?? DEFAULT_BACKOFF_CAP_MS;
  const random = opts.random ?? Math.random;
  return (attempt) => {
    const ceiling = Math.min(cap, base * 2 ** Math.min(Math.max(attempt, 1) - 1, 40));
    return Math.round(ceiling * (0.75 + 0.25 * random()));
  };
}
