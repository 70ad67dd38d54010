// Every minute: publish the scheduled advisories whose embargo has ended. The schedule lives in the
// advisories table, not in this job, so a restart (or a runner that was down at the moment) loses
// nothing: the next tick publishes whatever is due. Never early: only `scheduled_for <= now`.
import type { JobRunner } from './runner.ts';
import type { Services } from '../services/index.ts';

export const PUBLISH_ADVISORIES = 'advisories.publish-due';

export function registerPublishAdvisories(runner: JobRunner, services: Services): void {
  runner.register(PUBLISH_ADVISORIES, async () => {
    await services.publishing.publishDue();
  });
  runner.schedule(PUBLISH_ADVISORIES, '* * * * *');
}
