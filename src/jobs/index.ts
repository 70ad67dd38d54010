// The server's background jobs: one runner over the `jobs` table with every job registered.
import { JobRunner } from './runner.ts';
import type { JobLogger } from './job.types.ts';
import type { Core } from '../bootstrap.ts';
import { registerSlaReminders } from './sla-reminders.job.ts';
import { registerDailyDigest } from './daily-digest.job.ts';
import { registerPublishAdvisories } from './publish-advisories.job.ts';
import { registerNotifyReport } from './notify-report.job.ts';
import { registerPartyReminders } from './party-reminders.job.ts';

export function createJobRunner(core: Core, logger: JobLogger): JobRunner {
  const runner = new JobRunner({
    db: core.handle.db,
    dialect: core.handle.dialect,
    clock: core.services.deps.clock,
    logger,
  });
  registerSlaReminders(runner, core.services);
  registerDailyDigest(runner, core.services);
  registerPublishAdvisories(runner, core.services);
  registerNotifyReport(runner, core.services);
  registerPartyReminders(runner, core.services);
  return runner;
}
