// The server's background jobs: one runner over the `jobs` table with every job registered.
import { JobRunner, type JobRunnerOptions } from './runner.ts';
import type { JobLogger } from './job.types.ts';
import type { Core } from '../bootstrap.ts';
import { registerSlaReminders } from './sla-reminders.job.ts';
import { registerDailyDigest } from './daily-digest.job.ts';
import { registerPublishAdvisories } from './publish-advisories.job.ts';
import { registerNotifyReport } from './notify-report.job.ts';
import { registerPartyReminders } from './party-reminders.job.ts';
import { registerTestSleep } from './test-sleep.job.ts';

export function createJobRunner(
  core: Core,
  logger: JobLogger,
  opts: { leaseMs?: number; onOutcome?: JobRunnerOptions['onOutcome'] } = {},
): JobRunner {
  const runner = new JobRunner({
    db: core.handle.db,
    dialect: core.handle.dialect,
    clock: core.services.deps.clock,
    logger,
    // A job whose process died is taken again when its lease ends (PARLEY_JOB_LEASE_SECONDS).
    ...(opts.leaseMs ? { leaseMs: opts.leaseMs } : {}),
    ...(opts.onOutcome ? { onOutcome: opts.onOutcome } : {}),
  });
  registerSlaReminders(runner, core.services);
  registerDailyDigest(runner, core.services);
  registerPublishAdvisories(runner, core.services);
  registerNotifyReport(runner, core.services);
  registerPartyReminders(runner, core.services);
  // Test hook, read here rather than in config.ts because it is not configuration: see test-sleep.job.ts.
  if (process.env.PARLEY_TEST_HOOKS === '1') registerTestSleep(runner);
  return runner;
}
