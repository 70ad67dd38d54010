// A job that only sleeps, for the graceful-shutdown tests (test/integration/graceful-shutdown.test.ts):
// they need a job that is still running in a real server process when SIGTERM arrives, and no real
// job runs long on demand. Registered only when PARLEY_TEST_HOOKS=1 (jobs/index.ts), which nothing
// but those tests sets. Payload: { ms: [first attempt, second attempt, …] } (the last value repeats).
import type { JobRunner } from './runner.ts';

export const TEST_SLEEP_JOB = 'test.sleep';

export function registerTestSleep(runner: JobRunner): void {
  runner.register<{ ms?: unknown }>(TEST_SLEEP_JOB, async (payload, ctx) => {
    const list = Array.isArray(payload.ms)
      ? payload.ms.filter((n): n is number => typeof n === 'number')
      : [];
    const ms = list[Math.min(ctx.attempt, list.length) - 1] ?? 0;
    await new Promise((resolve) => setTimeout(resolve, Math.min(ms, 120_000)));
  });
}
