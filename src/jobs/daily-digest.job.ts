// Once a day (07:00 UTC): one digest notice per team member listing open cases that need attention.
import type { JobRunner } from './runner.ts';
import type { Services } from '../services/index.ts';

export const DAILY_DIGEST = 'digest.daily';

export function registerDailyDigest(runner: JobRunner, services: Services): void {
  runner.register(DAILY_DIGEST, async () => {
    await services.reminders.dailyDigest();
  });
  runner.schedule(DAILY_DIGEST, '0 7 * * *', { timezone: 'UTC' });
}
